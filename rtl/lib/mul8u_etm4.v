// SPDX-License-Identifier: MIT
// mul8u_etm4: error-tolerant multiplier (ETM), unsigned 8x8, 4-bit multiplication part.
// Source: K. Y. Kyaw, W. L. Goh and K. S. Yeo, Low-power high-speed multiplier for error-tolerant
// application, IEEE Int. Conf. on Electron Devices and Solid-State Circuits (EDSSC), 2010.
// Parameters: operands split into a 4-bit MSB part (multiplication part) and a 4-bit LSB part
// (non-multiplication part).
// Definition: if the MSB parts a[7:4] and b[7:4] are both zero, the multiplication part
// multiplies the LSB parts exactly: p = a[3:0] * b[3:0] (exact). Otherwise p[15:8] =
// a[7:4] * b[7:4] (exact; the cross terms are not computed) and p[7:0] comes from the
// non-multiplication part: scanning the LSB parts from bit 3 down, p[4 + i] is 1 from the first
// position i where a[i] | b[i] = 1 downwards, i.e. p[4 + i] = |(a[3:i] | b[3:i]), and p[3:0] are
// all 1 if any bit of a[3:0] | b[3:0] is 1.
// Structure: one 4x4 multiplier shared by both cases (input multiplexers driven by the control
// signal), an OR chain for the non-multiplication part, and an output multiplexer.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_etm4 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  wire ctrl = |{a[7:4], b[7:4]};  // 1: some MSB is set, approximate mode

  // Multiplication part: MSB parts in approximate mode, LSB parts (exact product) otherwise.
  wire [3:0] xa = ctrl ? a[7:4] : a[3:0];
  wire [3:0] xb = ctrl ? b[7:4] : b[3:0];
  wire [7:0] m = {4'd0, xa} * {4'd0, xb};

  // Non-multiplication part.
  wire [3:0] o = a[3:0] | b[3:0];
  wire [7:0] nm = {o[3], |o[3:2], |o[3:1], |o[3:0], {4{|o[3:0]}}};

  assign p = ctrl ? {m, nm} : {8'd0, m};
endmodule
