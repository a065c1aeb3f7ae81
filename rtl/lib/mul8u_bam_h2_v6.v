// SPDX-License-Identifier: MIT
// mul8u_bam_h2_v6: broken-array multiplier (BAM), HBL = 2, VBL = 6, unsigned 8x8.
// Source: H. R. Mahdiani, A. Ahmadi, S. M. Fakhraie and C. Lucas, Bio-inspired imprecise
// computational blocks for efficient VLSI implementation of soft-computing applications,
// IEEE Trans. Circuits and Systems I 57(4), 2010.
// Parameters: horizontal break level HBL = 2, vertical break level VBL = 6.
// Definition used here: in the carry-save array multiplier, the first HBL rows of partial
// products (those of b[0] .. b[HBL-1]) are omitted with their cells, and every cell of weight
// < VBL (carry-save cells and the final adder's cells) is omitted. The remaining array adds the
// remaining partial products exactly, so p = sum of a[i] b[j] 2^(i+j) over j >= HBL and
// i + j >= VBL, and p[5:0] = 0. Larger break levels remove a superset of the cells.
// (With HBL = 0 the BAM equals the truncated multiplier mul8u_trunc<VBL>.)
// Operands and product: unsigned, a and b in 0..255, p in 0..65535.
// Structure: the library's carry-save array, cells/hawx_csa_array.v, with the parameters below.
module mul8u_bam_h2_v6 (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [15:0] p
);
  hawx_csa_array #(
      .HBL(2),
      .VBL(6),
      .SIGNED(0)
  ) array (
      .a(a),
      .b(b),
      .p(p)
  );
endmodule
