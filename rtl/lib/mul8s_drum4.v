// SPDX-License-Identifier: MIT
// mul8s_drum4: DRUM-4, dynamic range unbiased multiplier, signed 8x8 (sign-magnitude).
// Source: S. Hashemi, R. I. Bahar and S. Reda, DRUM: A dynamic range unbiased multiplier for
// approximate applications, IEEE/ACM ICCAD 2015; signed by sign-magnitude around the unsigned
// core.
// Parameters: k = 4 (segment width).
// Signed convention: a and b are two's complement (-128..127). Their magnitudes |a|, |b| are
// formed as 8-bit unsigned values, so |-128| = 128 = 8'b1000_0000 is represented exactly; the
// unsigned DRUM-4 of mul8u_drum4 is applied to the magnitudes and its 16-bit result (at most
// 144 * 144 = 20736 < 2^15) is negated when exactly one operand is negative. p is the 16-bit two's
// complement product, -32768..32767.
// Definition of the unsigned core: for each magnitude x with leading one at position t: if
// t >= k, keep x[t:t-k+1], set its LSB to 1 and remember the shift t - k + 1; otherwise keep x
// (shift 0). Multiply the k-bit segments exactly and shift left by the sum of the shifts.
// Structure: the sign-magnitude shell cells/hawx_sign_magnitude.v around the library's DRUM core,
// cells/hawx_drum.v, with K = 4.
module mul8s_drum4 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // Sign-magnitude shell (cells/hawx_sign_magnitude.v) around the unsigned core: the core
  // multiplies the magnitudes, the shell negates its product when the signs differ.
  wire [7:0] mag_a;
  wire [7:0] mag_b;
  wire [15:0] q;
  hawx_sign_magnitude shell (
      .a(a),
      .b(b),
      .mag_a(mag_a),
      .mag_b(mag_b),
      .q(q),
      .p(p)
  );
  hawx_drum #(
      .K(4)
  ) core (
      .a(mag_a),
      .b(mag_b),
      .p(q)
  );
endmodule
