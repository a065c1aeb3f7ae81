// SPDX-License-Identifier: MIT
// mul8u_exact: exact unsigned 8x8 array multiplier, the reference of the unsigned designs.
// Source: textbook carry-save (Braun) array multiplier, e.g. I. Koren, Computer Arithmetic
// Algorithms, 2nd ed., A K Peters 2002, ch. 6. Parameters: none.
// Operands and product: unsigned, a and b in 0..255, p = a * b in 0..65535.
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
module mul8u_exact (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(0),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
