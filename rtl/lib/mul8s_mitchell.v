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
module mul8s_mitchell (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // Sign-magnitude conversion (8-bit magnitudes: -128 -> 128).
  wire [7:0] mag_a = a[7] ? ~a + 8'd1 : a;
  wire [7:0] mag_b = b[7] ? ~b + 8'd1 : b;
  wire neg = a[7] ^ b[7];

  // Position of the leading one of x (0 for x = 0): the leading-one detector.
  function [2:0] lead_one;
    input [7:0] x;
    integer i;
    begin
      lead_one = 3'd0;
      for (i = 0; i < 8; i = i + 1) begin
        if (x[i]) lead_one = i[2:0];
      end
    end
  endfunction

  wire [2:0] ka = lead_one(mag_a);
  wire [2:0] kb = lead_one(mag_b);
  /* verilator lint_off UNUSEDSIGNAL */
  wire [7:0] na = mag_a << (3'd7 - ka);  // na[7] is the leading one
  wire [7:0] nb = mag_b << (3'd7 - kb);
  /* verilator lint_on UNUSEDSIGNAL */
  wire [10:0] log_a = {1'b0, ka, na[6:0]};
  wire [10:0] log_b = {1'b0, kb, nb[6:0]};
  wire [10:0] log_p = log_a + log_b;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [22:0] scaled = {15'd0, 1'b1, log_p[6:0]} << log_p[10:7];  // bits below 7 are fractions
  /* verilator lint_on UNUSEDSIGNAL */
  wire zero = (a == 8'd0) | (b == 8'd0);
  wire [15:0] q = zero ? 16'd0 : scaled[22:7];
  assign p = neg ? ~q + 16'd1 : q;
endmodule
