// SPDX-License-Identifier: MIT
// mul8u_drum2: DRUM with k = 2 (Hashemi, Bahar and Reda, ICCAD 2015, at its most aggressive
// segment width): each operand is cut to the 2 bits from its leading one, the lower of them set
// to 1 (unbiased), the segments multiplied and shifted back. Unbiased but with a relative error
// of tens of percent; for scoring studies (see mul8u_trunc13.v), an error of another kind than
// truncation's. Built from the library's cells (rtl/lib/cells); not part of the library.
module mul8u_drum2 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_drum #(
      .K(2)
  ) core (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
