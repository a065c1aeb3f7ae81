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
module mul8s_drum4 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  // Sign-magnitude conversion (8-bit magnitudes: -128 -> 128).
  wire [7:0] mag_a = a[7] ? ~a + 8'd1 : a;
  wire [7:0] mag_b = b[7] ? ~b + 8'd1 : b;
  wire neg = a[7] ^ b[7];

  localparam integer K = 4;
  localparam [2:0] KM1 = 3'd3;  // K - 1

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

  // Segment selection per operand: x has t + 1 significant bits (t = leading-one position). If
  // t >= K the K bits x[t:t-K+1] are kept, their LSB forced to 1 (unbiasing), and the shift is
  // t - K + 1; otherwise x[K-1:0] is kept unchanged with shift 0.
  wire [2:0] ta = lead_one(mag_a);
  wire [2:0] tb = lead_one(mag_b);
  wire cut_a = ta > KM1;
  wire cut_b = tb > KM1;
  wire [2:0] sha = cut_a ? ta - KM1 : 3'd0;
  wire [2:0] shb = cut_b ? tb - KM1 : 3'd0;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [7:0] xa = mag_a >> sha;  // bits above K-1 are zero by construction
  wire [7:0] xb = mag_b >> shb;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [K-1:0] seg_a = {xa[K-1:1], xa[0] | cut_a};
  wire [K-1:0] seg_b = {xb[K-1:1], xb[0] | cut_b};

  // K x K exact multiplier, then the product shifted back by the sum of the two shifts.
  wire [2*K-1:0] m = {{K{1'b0}}, seg_a} * {{K{1'b0}}, seg_b};
  wire [3:0] sh = {1'b0, sha} + {1'b0, shb};
  wire [15:0] q = {{(16 - 2 * K){1'b0}}, m} << sh;

  assign p = neg ? ~q + 16'd1 : q;
endmodule
