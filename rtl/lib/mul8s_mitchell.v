// SPDX-License-Identifier: MIT
// mul8s_mitchell: Mitchell's logarithmic multiplier, signed 8x8 (sign-magnitude).
// Source: J. N. Mitchell, Computer multiplication and division using binary logarithms, IRE
// Trans. Electronic Computers EC-11(4), 1962; signed by sign-magnitude around the unsigned core.
// Parameters: n = 8; the mantissas keep all 7 fraction bits.
// Signed convention: a and b are two's complement (-128..127). Their magnitudes are formed as 8-bit
// unsigned values, so |-128| = 128 = 8'b1000_0000 is represented exactly; the unsigned Mitchell
// multiplier of mul8u_mitchell is applied to the magnitudes and its result (at most
// 128 * 128 = 16384, since Mitchell never overestimates) is negated when exactly one operand is
// negative. p is the 16-bit two's complement product, -32768..32767.
// Definition of the unsigned core: x = 2^k (1 + f); log2 x ~ k + f; the logarithms are added and
// converted back by p = 2^K (1 + F) for the sum K + F; p = 0 when an operand is 0.
// Structure: the sign-magnitude shell cells/hawx_sign_magnitude.v around the library's Mitchell
// core, cells/hawx_mitchell.v.
module mul8s_mitchell (
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
  hawx_mitchell core (
      .a(mag_a),
      .b(mag_b),
      .p(q)
  );
endmodule
