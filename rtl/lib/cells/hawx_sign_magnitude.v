// SPDX-License-Identifier: MIT
// hawx_sign_magnitude: the sign-magnitude shell that turns an unsigned 8x8 core into a signed
// multiplier (used by the library's signed DRUM and Mitchell designs).
//   a, b          two's complement operands, -128..127
//   mag_a, mag_b  their magnitudes as 8-bit unsigned values (|-128| = 128 = 8'b1000_0000 exactly),
//                 to be fed to the unsigned core
//   q             the core's unsigned 16-bit product of mag_a and mag_b; must be below 2^15
//   p             q, negated (two's complement) when exactly one operand is negative
// The instantiating design connects the core between mag_a / mag_b and q; nothing here is
// registered, the path a -> mag_a -> core -> q -> p is combinational.
module hawx_sign_magnitude (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [ 7:0] mag_a,
    output wire [ 7:0] mag_b,
    input  wire [15:0] q,
    output wire [15:0] p
);
  wire neg = a[7] ^ b[7];
  assign mag_a = a[7] ? ~a + 8'd1 : a;
  assign mag_b = b[7] ? ~b + 8'd1 : b;
  assign p = neg ? ~q + 16'd1 : q;
endmodule
