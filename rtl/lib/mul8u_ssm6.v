// SPDX-License-Identifier: MIT
// mul8u_ssm6: static segment multiplier (SSM), segment width m = 6, unsigned 8x8.
// Source: S. Narayanamoorthy, H. A. Moghaddam, Z. Liu, T. Park and N. S. Kim, Energy-efficient
// approximate multiplication for digital signal processing and classification applications,
// IEEE Trans. VLSI Systems 23(6), 2015.
// Parameters: m = 6 (segment width), n = 8.
// Definition: for each operand x: if its 2 most significant bits x[7:6] are all zero, the
// segment is x[5:0] (shift 0), otherwise it is x[7:2] (the lower bits are truncated,
// shift 2). The two m-bit segments are multiplied exactly and the product is shifted left
// by the sum of the shifts.
// Structure: two m-bit 2:1 multiplexers, a 6x6 multiplier and a 3-way shifter (0, 2, 4).
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_ssm6 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  localparam integer M = 6;

  wire hi_a = |a[7:M];
  wire hi_b = |b[7:M];
  wire [M-1:0] seg_a = hi_a ? a[7:8-M] : a[M-1:0];
  wire [M-1:0] seg_b = hi_b ? b[7:8-M] : b[M-1:0];
  wire [2*M-1:0] m = {{M{1'b0}}, seg_a} * {{M{1'b0}}, seg_b};
  wire [15:0] mw = {{(16 - 2 * M){1'b0}}, m};
  assign p = (hi_a & hi_b) ? mw << (2 * (8 - M)) : (hi_a | hi_b) ? mw << (8 - M) : mw;
endmodule
