// SPDX-License-Identifier: MIT
// mul8s_trunc4: truncated signed 8x8 Baugh-Wooley array multiplier, k = 4 (no compensation).
// Source: direct truncation (M. J. Schulte and E. E. Swartzlander, Truncated multiplication with
// correction constant, VLSI Signal Processing VI, IEEE 1993, without the correction constant)
// applied to the modified Baugh-Wooley array (C. R. Baugh and B. A. Wooley, IEEE Trans.
// Computers C-22(12), 1973).
// Parameters: k = 4. Definition: the columns j < 4 of the Baugh-Wooley partial-product array are
// dropped with their cells. They hold only the positive bits a[i] & b[j] (i + j < 4), so
// p = a * b - sum over i + j < 4 of a[i] b[j] 2^(i+j) on the raw bit patterns, p[3:0] = 0.
// Operands and product: two's complement, a and b in -128..127, p in -32768..32767.
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
// Signed form: modified Baugh-Wooley. The partial products of negative weight, a[7] & b[j] and
// a[i] & b[7] (i, j < 7), enter the array inverted, and the constants 2^8 and 2^15 are added
// (2^8 in the first row, 2^15 at the most significant output bit); the result is the 16-bit two's
// complement product, exact modulo 2^16.
module mul8s_trunc4 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(4),
      .SIGNED(1)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
