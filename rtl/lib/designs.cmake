# SPDX-License-Identifier: MIT
# The library: one call per design in this folder (see rtl/CMakeLists.txt). A DESCRIPTION is one
# line naming the source and the parameters (no quotes, backslashes or semicolons).

# Exact references: carry-save arrays of the same structure as the truncated and broken arrays.
hawx_add_library_multiplier(NAME mul8u_exact CELLS cells/hawx_csa_array.v
  DESCRIPTION "exact unsigned 8x8 carry-save (Braun) array multiplier (reference)")
hawx_add_library_multiplier(NAME mul8s_exact SIGNED CELLS cells/hawx_csa_array.v
  DESCRIPTION "exact signed 8x8 modified Baugh-Wooley array multiplier (Baugh and Wooley 1973) (reference)")

# Truncated arrays: partial-product columns j < k removed with their cells, no compensation.
hawx_add_library_multiplier(NAME mul8u_trunc2 CELLS cells/hawx_csa_array.v
  DESCRIPTION "truncated unsigned array multiplier, columns < 2 removed, no compensation (Schulte and Swartzlander 1993)")
hawx_add_library_multiplier(NAME mul8u_trunc4 CELLS cells/hawx_csa_array.v
  DESCRIPTION "truncated unsigned array multiplier, columns < 4 removed, no compensation (Schulte and Swartzlander 1993)")
hawx_add_library_multiplier(NAME mul8u_trunc6 CELLS cells/hawx_csa_array.v
  DESCRIPTION "truncated unsigned array multiplier, columns < 6 removed, no compensation (Schulte and Swartzlander 1993)")
hawx_add_library_multiplier(NAME mul8u_trunc8 CELLS cells/hawx_csa_array.v
  DESCRIPTION "truncated unsigned array multiplier, columns < 8 removed, no compensation (Schulte and Swartzlander 1993)")
hawx_add_library_multiplier(NAME mul8s_trunc4 SIGNED CELLS cells/hawx_csa_array.v
  DESCRIPTION "truncated signed Baugh-Wooley array multiplier, columns < 4 removed, no compensation")

# Broken-array multipliers (Mahdiani et al., IEEE TCAS-I 2010).
hawx_add_library_multiplier(NAME mul8u_bam_h1_v4 CELLS cells/hawx_csa_array.v
  DESCRIPTION "broken-array multiplier BAM, HBL 1, VBL 4 (Mahdiani et al. TCAS-I 2010)")
hawx_add_library_multiplier(NAME mul8u_bam_h2_v6 CELLS cells/hawx_csa_array.v
  DESCRIPTION "broken-array multiplier BAM, HBL 2, VBL 6 (Mahdiani et al. TCAS-I 2010)")
hawx_add_library_multiplier(NAME mul8u_bam_h2_v8 CELLS cells/hawx_csa_array.v
  DESCRIPTION "broken-array multiplier BAM, HBL 2, VBL 8 (Mahdiani et al. TCAS-I 2010)")
hawx_add_library_multiplier(NAME mul8u_bam_h3_v10 CELLS cells/hawx_csa_array.v
  DESCRIPTION "broken-array multiplier BAM, HBL 3, VBL 10 (Mahdiani et al. TCAS-I 2010)")

# Dynamic range unbiased multipliers (Hashemi, Bahar and Reda, ICCAD 2015).
hawx_add_library_multiplier(NAME mul8u_drum3 CELLS cells/hawx_drum.v cells/hawx_lead_one.v
  DESCRIPTION "DRUM-3 dynamic range unbiased multiplier, k = 3 (Hashemi, Bahar and Reda, ICCAD 2015)")
hawx_add_library_multiplier(NAME mul8u_drum4 CELLS cells/hawx_drum.v cells/hawx_lead_one.v
  DESCRIPTION "DRUM-4 dynamic range unbiased multiplier, k = 4 (Hashemi, Bahar and Reda, ICCAD 2015)")
hawx_add_library_multiplier(NAME mul8u_drum6 CELLS cells/hawx_drum.v cells/hawx_lead_one.v
  DESCRIPTION "DRUM-6 dynamic range unbiased multiplier, k = 6 (Hashemi, Bahar and Reda, ICCAD 2015)")
hawx_add_library_multiplier(NAME mul8s_drum4 SIGNED
  CELLS cells/hawx_sign_magnitude.v cells/hawx_drum.v cells/hawx_lead_one.v
  DESCRIPTION "DRUM-4, k = 4, sign-magnitude around the unsigned core (Hashemi, Bahar and Reda, ICCAD 2015)")

# Logarithmic.
hawx_add_library_multiplier(NAME mul8u_mitchell CELLS cells/hawx_mitchell.v cells/hawx_lead_one.v
  DESCRIPTION "Mitchell logarithmic multiplier, 7-bit mantissas (Mitchell, IRE Trans. EC 1962)")
hawx_add_library_multiplier(NAME mul8s_mitchell SIGNED
  CELLS cells/hawx_sign_magnitude.v cells/hawx_mitchell.v cells/hawx_lead_one.v
  DESCRIPTION "Mitchell logarithmic multiplier, sign-magnitude around the unsigned core (Mitchell 1962)")

# Other published designs.
hawx_add_library_multiplier(NAME mul8u_kulkarni
  DESCRIPTION "under-designed multiplier, 2x2 block with 3x3 = 7, exact adders (Kulkarni, Gupta and Ercegovac, VLSI Design 2011)")
hawx_add_library_multiplier(NAME mul8u_etm4
  DESCRIPTION "error-tolerant multiplier ETM, 4-bit multiplication and non-multiplication parts (Kyaw, Goh and Yeo, EDSSC 2010)")
hawx_add_library_multiplier(NAME mul8u_roba CELLS cells/hawx_lead_one.v
  DESCRIPTION "rounding-based approximate multiplier RoBA, unsigned (Zendegani et al., IEEE TVLSI 2017)")
hawx_add_library_multiplier(NAME mul8u_ssm4 CELLS cells/hawx_ssm.v
  DESCRIPTION "static segment multiplier SSM, m = 4 (Narayanamoorthy et al., IEEE TVLSI 2015)")
hawx_add_library_multiplier(NAME mul8u_ssm6 CELLS cells/hawx_ssm.v
  DESCRIPTION "static segment multiplier SSM, m = 6 (Narayanamoorthy et al., IEEE TVLSI 2015)")
