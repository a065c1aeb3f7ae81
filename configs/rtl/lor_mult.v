// SPDX-License-Identifier: MIT
// An example of user RTL for the quickstart: not part of the library, with its own port names and
// a helper module. "Lower-part OR" multiplier: the exact product above bit 4; below it, the OR of
// the operands' low bits replaces the partial-product sum (in the spirit of the lower-part-OR
// adder of Mahdiani et al., TCAS-I 2010).
module lor_mult (
    input  wire [ 7:0] x,
    input  wire [ 7:0] y,
    output wire [15:0] z
);
  wire [15:0] full;
  lor_exact_core core (
      .a(x),
      .b(y),
      .p(full)
  );
  assign z = {full[15:4], x[3:0] | y[3:0]};
endmodule

module lor_exact_core (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  assign p = a * b;
endmodule
