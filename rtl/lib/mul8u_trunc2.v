// SPDX-License-Identifier: MIT
// mul8u_trunc2: truncated unsigned 8x8 array multiplier, k = 2 (no error compensation).
// Source: direct truncation of the partial-product array, as in M. J. Schulte and E. E.
// Swartzlander, Truncated multiplication with correction constant, VLSI Signal Processing VI,
// IEEE 1993 (here without their correction constant).
// Parameters: k = 2. Definition: column j holds the partial products a[i] & b[j - i]; the
// columns j < 2 are dropped together with their adder cells, so p = a * b - sum over
// i + j < 2 of a[i] b[j] 2^(i+j), and p[1:0] = 0. Always p <= a * b.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
module mul8u_trunc2 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(2),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
