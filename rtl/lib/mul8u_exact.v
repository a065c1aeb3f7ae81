// SPDX-License-Identifier: MIT
// Exact unsigned 8x8 multiplier: the reference every approximate design is measured against.
module mul8u_exact (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  assign p = a * b;
endmodule
