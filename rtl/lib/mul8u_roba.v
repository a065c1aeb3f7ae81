// SPDX-License-Identifier: MIT
// mul8u_roba: rounding-based approximate multiplier (RoBA), unsigned 8x8.
// Source: R. Zendegani, M. Kamal, M. Bahadori, A. Afzali-Kusha and M. Pedram, RoBA multiplier: a
// rounding-based approximate multiplier for high-speed yet energy-efficient digital signal
// processing, IEEE Trans. VLSI Systems 25(2), 2017 (the unsigned design).
// Parameters: n = 8.
// Definition: Ar and Br are a and b rounded to the nearest power of two (a value 3 * 2^(t-1),
// halfway between 2^t and 2^(t+1), rounds up to 2^(t+1); 0 stays 0), and
// p = Ar * b + Br * a - Ar * Br, i.e. a * b - (a - Ar) (b - Br), with the three products formed
// by shifting. p = 0 when an operand is 0.
// Structure: rounding logic (leading-one detector, cells/hawx_lead_one.v, and the bit below it),
// two left shifters for Ar * b and Br * a, a decoder for Ar * Br, an adder and a subtractor.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535 (p <= 65024).
module mul8u_roba (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // Exponent of the rounded operand: the leading-one position t (cells/hawx_lead_one.v, 0 for
  // x = 0), plus one when the bit below it is set (x >= 1.5 * 2^t).
  wire [2:0] ta;
  wire [2:0] tb;
  hawx_lead_one lead_a (
      .x(a),
      .t(ta)
  );
  hawx_lead_one lead_b (
      .x(b),
      .t(tb)
  );
  wire up_a = (ta != 3'd0) & a[ta-3'd1];
  wire up_b = (tb != 3'd0) & b[tb-3'd1];
  wire [3:0] ea = {1'b0, ta} + {3'd0, up_a};  // Ar = 2^ea
  wire [3:0] eb = {1'b0, tb} + {3'd0, up_b};  // Br = 2^eb

  wire [16:0] ar_b = {9'd0, b} << ea;  // Ar * b
  wire [16:0] br_a = {9'd0, a} << eb;  // Br * a
  wire [4:0] e = {1'b0, ea} + {1'b0, eb};
  wire [16:0] ar_br = 17'd1 << e;  // Ar * Br
  /* verilator lint_off UNUSEDSIGNAL */
  wire [16:0] sum = ar_b + br_a - ar_br;  // below 2^16
  /* verilator lint_on UNUSEDSIGNAL */
  wire zero = (a == 8'd0) | (b == 8'd0);
  assign p = zero ? 16'd0 : sum[15:0];
endmodule
