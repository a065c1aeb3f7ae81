// SPDX-License-Identifier: MIT
// mul8s_exact: exact signed 8x8 Baugh-Wooley array multiplier, the reference of the signed
// designs. Source: C. R. Baugh and B. A. Wooley, A two's complement parallel array
// multiplication algorithm, IEEE Trans. Computers C-22(12), 1973 (modified form). Parameters: none.
// Operands and product: two's complement, a and b in -128..127, p = a * b in -32768..32767
// (-128 * -128 = 16384 is representable).
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
// Signed form: modified Baugh-Wooley. The partial products of negative weight, a[7] & b[j] and
// a[i] & b[7] (i, j < 7), enter the array inverted, and the constants 2^8 and 2^15 are added
// (2^8 in the first row, 2^15 at the most significant output bit); the result is the 16-bit two's
// complement product, exact modulo 2^16.
module mul8s_exact (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(0),
      .SIGNED(1)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
