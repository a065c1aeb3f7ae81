// SPDX-License-Identifier: MIT
// Exact signed (two's complement) 8x8 multiplier.
module mul8s_exact (
    input  wire signed [ 7:0] a,
    input  wire signed [ 7:0] b,
    output wire signed [15:0] p
);
  assign p = a * b;
endmodule
