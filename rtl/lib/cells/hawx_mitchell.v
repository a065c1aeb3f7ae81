// SPDX-License-Identifier: MIT
// hawx_mitchell: the unsigned 8x8 Mitchell logarithmic multiplier shared by the library's
// Mitchell designs (J. N. Mitchell, Computer multiplication and division using binary logarithms,
// IRE Trans. Electronic Computers EC-11(4), 1962), mantissas with all 7 fraction bits.
// Definition: x = 2^k (1 + f) with k the leading-one position and 0 <= f < 1; log2 x is
// approximated by k + f. The two approximate logarithms are added in fixed point (3 integer and
// 7 fraction bits each) and the sum K + F (F its fraction) is converted back by the same
// piecewise-linear rule: p = 2^K (1 + F). The value is always an integer for 8-bit operands, so
// nothing is rounded; p <= a * b. p = 0 when an operand is 0.
// Structure: leading-one detectors (cells/hawx_lead_one.v), normalising left shifters, an 11-bit
// adder, an antilogarithm left shifter and a zero detector.
module hawx_mitchell (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // Binary logarithms: characteristic k (3 bits) and mantissa f (7 bits: x normalised so that its
  // leading one is at bit 7, leading one dropped).
  wire [2:0] ka;
  wire [2:0] kb;
  hawx_lead_one lead_a (
      .x(a),
      .t(ka)
  );
  hawx_lead_one lead_b (
      .x(b),
      .t(kb)
  );
  /* verilator lint_off UNUSEDSIGNAL */
  wire [7:0] na = a << (3'd7 - ka);  // na[7] is the leading one
  wire [7:0] nb = b << (3'd7 - kb);
  /* verilator lint_on UNUSEDSIGNAL */
  wire [10:0] log_a = {1'b0, ka, na[6:0]};
  wire [10:0] log_b = {1'b0, kb, nb[6:0]};

  // Sum of the logarithms: characteristic (4 bits) and fraction (7 bits).
  wire [10:0] log_p = log_a + log_b;

  // Antilogarithm: (1 + F) * 2^K = {1, F} << K, scaled back by the 7 fraction bits.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [22:0] scaled = {15'd0, 1'b1, log_p[6:0]} << log_p[10:7];  // bits below 7 are fractions
  /* verilator lint_on UNUSEDSIGNAL */
  wire zero = (a == 8'd0) | (b == 8'd0);
  assign p = zero ? 16'd0 : scaled[22:7];
endmodule
