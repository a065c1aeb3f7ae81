// SPDX-License-Identifier: MIT
// mul8u_trunc13: a deliberately aggressive truncated unsigned 8x8 array multiplier (columns < 13
// of the partial-product array removed, no compensation), for scoring studies: LeNet-5 shrugs off
// every library multiplier (below 0.5 pp with one in every layer), so the rank correlation of the
// hawx scores with measured accuracy drops needs designs whose drops rise above the noise of a
// 10,000-image test set. Built from the library's carry-save array (rtl/lib/cells); not part of
// the library. p = a * b - sum over i + j < 13 of a[i] b[j] 2^(i+j); p[12:0] = 0.
module mul8u_trunc13 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(0),
      .VBL(13),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
