// SPDX-License-Identifier: MIT
// mul8u_trunc10: truncated unsigned 8x8 array multiplier, k = 10 (no error compensation): the
// library's mul8u_trunc8 with more columns dropped. Column j holds the partial products
// a[i] & b[j - i]; the columns j < 10 go together with their adder cells, so
// p = a * b - sum over i + j < 10 of a[i] b[j] 2^(i+j). A user design for the search benchmark
// (bench/search_lenet5.yaml), aggressive enough that LeNet-5 notices it.
module mul8u_trunc10 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(10),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
