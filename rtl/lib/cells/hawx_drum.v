// SPDX-License-Identifier: MIT
// hawx_drum: the unsigned 8x8 dynamic range unbiased multiplier (DRUM) shared by the library's
// DRUM designs (S. Hashemi, R. I. Bahar and S. Reda, DRUM: A dynamic range unbiased multiplier
// for approximate applications, IEEE/ACM ICCAD 2015):
//   K  segment width, 2..7
// Definition: for each operand x with leading one at position t: if t >= K, keep the K bits
// x[t:t-K+1] starting at the leading one, set the LSB of that segment to 1 (unbiasing: stands for
// the dropped bits) and remember the shift t - K + 1; otherwise keep x unchanged (shift 0). The
// two K-bit segments are multiplied exactly and the product is shifted left by the sum of the two
// shifts. p = 0 when an operand is 0.
// Structure: leading-one detectors (cells/hawx_lead_one.v), right shifters selecting the
// segments, a K x K multiplier and a left barrel shifter.
module hawx_drum #(
    parameter integer K = 4
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  localparam integer KM1_INT = K - 1;
  localparam [2:0] KM1 = KM1_INT[2:0];  // K - 1 as a 3-bit leading-one position

  // Segment selection per operand: x has t + 1 significant bits (t = leading-one position). If
  // t >= K the K bits x[t:t-K+1] are kept, their LSB forced to 1 (unbiasing), and the shift is
  // t - K + 1; otherwise x[K-1:0] is kept unchanged with shift 0.
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
  assign p = {{(16 - 2 * K){1'b0}}, m} << sh;
endmodule
