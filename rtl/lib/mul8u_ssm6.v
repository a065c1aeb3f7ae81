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
// Structure: two m-bit 2:1 multiplexers, a 6x6 multiplier and a 3-way shifter (0, 2, 4):
// the library's SSM core, cells/hawx_ssm.v, with M = 6.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_ssm6 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_ssm #(
      .M(6)
  ) core (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
