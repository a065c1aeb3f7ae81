// SPDX-License-Identifier: MIT
// mul8u_trunc8: truncated unsigned 8x8 array multiplier, k = 8 (no error compensation).
// Source: direct truncation of the partial-product array, as in M. J. Schulte and E. E.
// Swartzlander, Truncated multiplication with correction constant, VLSI Signal Processing VI,
// IEEE 1993 (here without their correction constant).
// Parameters: k = 8. Definition: column j holds the partial products a[i] & b[j - i]; the
// columns j < 8 are dropped together with their adder cells, so p = a * b - sum over
// i + j < 8 of a[i] b[j] 2^(i+j), and p[7:0] = 0. Always p <= a * b.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
module mul8u_trunc8 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(8),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
