// SPDX-License-Identifier: MIT
// hawx_ssm: the unsigned 8x8 static segment multiplier (SSM) shared by the library's SSM designs
// (S. Narayanamoorthy, H. A. Moghaddam, Z. Liu, T. Park and N. S. Kim, Energy-efficient
// approximate multiplication for digital signal processing and classification applications,
// IEEE Trans. VLSI Systems 23(6), 2015):
//   M  segment width, 4..7 (n / 2 <= M < n, so that the two segments cover the operand)
// Definition: for each operand x: if its 8 - M most significant bits x[7:M] are all zero, the
// segment is x[M-1:0] (shift 0), otherwise it is x[7:8-M] (the lower bits are truncated,
// shift 8 - M). The two M-bit segments are multiplied exactly and the product is shifted left by
// the sum of the shifts.
// Structure: two M-bit 2:1 multiplexers, an M x M multiplier and a 3-way shifter
// (0, 8 - M, 2 (8 - M)).
module hawx_ssm #(
    parameter integer M = 4
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  wire hi_a = |a[7:M];
  wire hi_b = |b[7:M];
  wire [M-1:0] seg_a = hi_a ? a[7:8-M] : a[M-1:0];
  wire [M-1:0] seg_b = hi_b ? b[7:8-M] : b[M-1:0];
  wire [2*M-1:0] m = {{M{1'b0}}, seg_a} * {{M{1'b0}}, seg_b};
  wire [15:0] mw = {{(16 - 2 * M){1'b0}}, m};
  assign p = (hi_a & hi_b) ? mw << (2 * (8 - M)) : (hi_a | hi_b) ? mw << (8 - M) : mw;
endmodule
