// SPDX-License-Identifier: MIT
// mul8u_drum4: DRUM-4, dynamic range unbiased multiplier, unsigned 8x8.
// Source: S. Hashemi, R. I. Bahar and S. Reda, DRUM: A dynamic range unbiased multiplier for
// approximate applications, IEEE/ACM ICCAD 2015.
// Parameters: k = 4 (segment width).
// Definition: for each operand x with leading one at position t: if t >= k, keep the k bits
// x[t:t-k+1] starting at the leading one, set the LSB of that segment to 1 (unbiasing: stands for
// the dropped bits) and remember the shift t - k + 1; otherwise keep x unchanged (shift 0). The
// two k-bit segments are multiplied exactly and the product is shifted left by the sum of the two
// shifts. p = 0 when an operand is 0.
// Structure: leading-one detectors, right shifters selecting the segments, a 4x4 multiplier and
// a left barrel shifter.
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
module mul8u_drum4 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
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
  wire [2:0] ta = lead_one(a);
  wire [2:0] tb = lead_one(b);
  wire cut_a = ta > KM1;
  wire cut_b = tb > KM1;
  wire [2:0] sha = cut_a ? ta - KM1 : 3'd0;
  wire [2:0] shb = cut_b ? tb - KM1 : 3'd0;
  /* verilator lint_off UNUSEDSIGNAL */
  wire [7:0] xa = a >> sha;  // bits above K-1 are zero by construction
  wire [7:0] xb = b >> shb;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [K-1:0] seg_a = {xa[K-1:1], xa[0] | cut_a};
  wire [K-1:0] seg_b = {xb[K-1:1], xb[0] | cut_b};

  // K x K exact multiplier, then the product shifted back by the sum of the two shifts.
  wire [2*K-1:0] m = {{K{1'b0}}, seg_a} * {{K{1'b0}}, seg_b};
  wire [3:0] sh = {1'b0, sha} + {1'b0, shb};
  wire [15:0] q = {{(16 - 2 * K){1'b0}}, m} << sh;
  assign p = q;
endmodule
