import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../../src/core/errors';
import { DwarfdumpDeclParser, dwarfdumpNameResponseFile, parseDwarfdumpDecls, unescapeDwarfString } from '../../src/core/profile/dwarfdump-decls';
import { resolveDeclFile } from '../../src/core/profile/source-location';
import { inferWorkspaceRoot, lookupSourceLocations } from '../../src/core/profile/source-locations';
import { frameLocation, parseNmLine, parseSymbolizerVerbose } from '../../src/core/profile/symbolizer-output';
import { tempDir } from './helpers';

// Everything below was captured from rustc 1.95 (LLVM 22) builds of examples/midi-studio's
// instrumented midi-import (`pgo instrument pipeline`) with LLVM 22's tools; the dumps are whole
// DIEs cut out of one dump each, in their original order (the DIEs in between left out).
//
// `build.debug: limited`, workspace copied to `/tmp/sl-é "q" x` (a path to escape):
// llvm-dwarfdump --debug-info midi-import
const LIMITED_DUMP = String.raw`/tmp/sl-é "q" x/target/pgo/pipeline/instrumented/x86_64-unknown-linux-gnu/release/midi-import:	file format elf64-x86-64

.debug_info contents:
0x00000000: Compile Unit: length = 0x000034d3, format = DWARF32, version = 0x0004, abbr_offset = 0x0000, addr_size = 0x08 (next unit at 0x000034d7)

0x0000000b: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("pipeline/src/bin/midi-import.rs/@/midi_import.cd694400f9ca332a-cgu.0")
              DW_AT_stmt_list	(0x00000000)
              DW_AT_comp_dir	("/tmp/sl-\303\251 \"q\" x")
              DW_AT_low_pc	(0x0000000000000000)
              DW_AT_ranges	(0x000010a0
                 [0x0000000000051c30, 0x0000000000051c4b)
                 [0x0000000000051c50, 0x00000000000530a5)
                 [0x00000000000530b0, 0x00000000000530d7)
                 [0x00000000000530e0, 0x00000000000530f5)
                 [0x0000000000053100, 0x000000000005311d)
                 [0x0000000000053120, 0x000000000005313a)
                 [0x0000000000053140, 0x000000000005315b)
                 [0x0000000000053160, 0x0000000000053175)
                 [0x0000000000053180, 0x000000000005323a))
0x0000042c:           NULL

0x0000042d:         DW_TAG_subprogram
                      DW_AT_linkage_name	("_RNvXsq_NtCslNYArtu3iFV_5alloc6stringNtB5_6StringNtNtCsgEmfK2I1SDS_4core3fmt7Display3fmt")
                      DW_AT_name	("fmt")
                      DW_AT_decl_file	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/string.rs")
                      DW_AT_decl_line	(2711)
                      DW_AT_inline	(DW_INL_inlined)

0x0000043a:         NULL

0x000034d7: Compile Unit: length = 0x0000536a, format = DWARF32, version = 0x0004, abbr_offset = 0x01aa, addr_size = 0x08 (next unit at 0x00008845)

0x000034e2: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("pipeline/src/lib.rs/@/pipeline.d7a9604817b2e30e-cgu.1")
              DW_AT_stmt_list	(0x000013da)
              DW_AT_comp_dir	("/tmp/sl-\303\251 \"q\" x")
              DW_AT_low_pc	(0x0000000000000000)

                DW_AT_name	("pipeline")

0x00003d6b:     DW_TAG_namespace
                  DW_AT_name	("smf")

0x00003d70:       DW_TAG_namespace
                    DW_AT_name	("{impl#2}")

0x00003d75:         DW_TAG_subprogram
                      DW_AT_low_pc	(0x0000000000053510)
                      DW_AT_high_pc	(0x0000000000053597)
                      DW_AT_frame_base	(DW_OP_reg7 RSP)
                      DW_AT_linkage_name	("_ZN63_$LT$pipeline..smf..LoadError$u20$as$u20$core..fmt..Display$GT$3fmt17h960744fabf1a2458E")
                      DW_AT_name	("fmt")
                      DW_AT_decl_file	("/tmp/sl-é "q" x/pipeline/src/smf.rs")
                      DW_AT_decl_line	(223)
                      DW_AT_external	(true)

0x0000c237: Compile Unit: length = 0x0000527c, format = DWARF32, version = 0x0004, abbr_offset = 0x04a2, addr_size = 0x08 (next unit at 0x000114b7)

0x0000c242: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("pipeline/src/lib.rs/@/pipeline.d7a9604817b2e30e-cgu.0")
              DW_AT_stmt_list	(0x000054f5)
              DW_AT_comp_dir	("/tmp/sl-\303\251 \"q\" x")
              DW_AT_low_pc	(0x0000000000000000)

0x000108f2:       DW_TAG_namespace
                    DW_AT_name	("{impl#3}")

0x000108f7:         DW_TAG_namespace
                      DW_AT_name	("tick_to_us")

0x000108fc:           DW_TAG_subprogram
                        DW_AT_linkage_name	("_ZN8pipeline8analysis8TempoMap10tick_to_us28_$u7b$$u7b$closure$u7d$$u7d$17h8664abe85f26c13bE")
                        DW_AT_name	("{closure#0}")
                        DW_AT_decl_file	("/tmp/sl-é "q" x/pipeline/src/analysis.rs")
                        DW_AT_decl_line	(206)
                        DW_AT_inline	(DW_INL_inlined)

0x00010908:           NULL

0x00010946:       DW_TAG_namespace
                    DW_AT_name	("TempoMap")

0x0001094b:         DW_TAG_subprogram
                      DW_AT_low_pc	(0x000000000005db90)
                      DW_AT_high_pc	(0x000000000005dd1e)
                      DW_AT_frame_base	(DW_OP_reg7 RSP)
                      DW_AT_linkage_name	("_ZN8pipeline8analysis8TempoMap10tick_to_us17h4c003edaeb4a511cE")
                      DW_AT_name	("tick_to_us")
                      DW_AT_decl_file	("/tmp/sl-é "q" x/pipeline/src/analysis.rs")
                      DW_AT_decl_line	(202)
                      DW_AT_external	(true)

0x00010964:           DW_TAG_inlined_subroutine
                        DW_AT_abstract_origin	(0x0000d93e "_ZN72_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..deref..Deref$GT$5deref17h47c4237482665dceE")
                        DW_AT_low_pc	(0x000000000005dc03)
                        DW_AT_high_pc	(0x000000000005dc0e)
                        DW_AT_call_file	("/tmp/sl-é "q" x/pipeline/src/analysis.rs")
                        DW_AT_call_line	(206)
                        DW_AT_call_column	(25)

0x00010978:             DW_TAG_inlined_subroutine
                          DW_AT_abstract_origin	(0x0000d7a5 "_ZN5alloc3vec16Vec$LT$T$C$A$GT$8as_slice17hf064c16796313ccbE")
                          DW_AT_low_pc	(0x000000000005dc03)
                          DW_AT_high_pc	(0x000000000005dc0e)
                          DW_AT_call_file	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs")
                          DW_AT_call_line	(3729)
                          DW_AT_call_column	(14)

`;

// `build.debug: line-tables-only` (/tmp/sl-line-tables-only): the crate's units have subprograms
// with names only; std's own unit (precompiled with more debug info) has linkage names and lines.
const LINE_TABLES_ONLY_DUMP = String.raw`
0x00002d01: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("pipeline/src/lib.rs/@/pipeline.ca1952399927f9c1-cgu.1")
              DW_AT_stmt_list	(0x000013da)
              DW_AT_comp_dir	("/work/main/examples/midi-studio")
              DW_AT_low_pc	(0x0000000000000000)
              DW_AT_ranges	(0x00003650
                 [0x00000000000532e0, 0x00000000000532f0)
                 [0x00000000000532f0, 0x000000000005342e)
                 [0x0000000000053430, 0x0000000000053479)
                 [0x0000000000053480, 0x00000000000534c9)
                 [0x00000000000534d0, 0x0000000000053519)
                 [0x0000000000053520, 0x00000000000535a7)
                 [0x00000000000535b0, 0x00000000000539da)
                 [0x00000000000539e0, 0x0000000000053b25)
                 [0x0000000000053b30, 0x0000000000053c1b)
                 [0x0000000000053c20, 0x0000000000054c95)
                 [0x0000000000054ca0, 0x0000000000054f3f)
                 [0x0000000000054f40, 0x0000000000055726)
                 [0x0000000000055730, 0x000000000005715a)
                 [0x0000000000057160, 0x00000000000571bc)
                 [0x00000000000571c0, 0x000000000005722e)
                 [0x0000000000057230, 0x000000000005729f))

0x00002d20:   DW_TAG_subprogram
                DW_AT_name	("drop_in_place<alloc::vec::Vec<u8, alloc::alloc::Global>>")
                DW_AT_inline	(DW_INL_inlined)

0x00002d26:   DW_TAG_subprogram
                DW_AT_name	("drop_in_place<alloc::string::String>")
                DW_AT_inline	(DW_INL_inlined)

0x00002d2c:   DW_TAG_subprogram
                DW_AT_name	("drop_in_place<alloc::raw_vec::RawVec<u8, alloc::alloc::Global>>")
                DW_AT_inline	(DW_INL_inlined)

0x00002d32:   DW_TAG_subprogram
                DW_AT_low_pc	(0x00000000000532f0)
                DW_AT_high_pc	(0x000000000005342e)
0x0002d349:   NULL
0x0002d34a: Compile Unit: length = 0x000c747d, format = DWARF32, version = 0x0004, abbr_offset = 0x2541, addr_size = 0x08 (next unit at 0x000f47cb)

0x0002d355: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/lib.rs/@/std.e28293b1aa0f68bd-cgu.0")
              DW_AT_stmt_list	(0x0001aa61)
              DW_AT_comp_dir	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860")
              DW_AT_low_pc	(0x0000000000000000)

0x0002d374:   DW_TAG_namespace
                DW_AT_name	("core")

0x0002d379:     DW_TAG_namespace
                  DW_AT_name	("ptr")

0x0002d37e:       DW_TAG_namespace
                    DW_AT_name	("mut_ptr")

0x0002d383:         DW_TAG_namespace
                      DW_AT_name	("{impl#0}")

0x0002d388:           DW_TAG_subprogram
                        DW_AT_linkage_name	("_RNvMNtNtCsgEmfK2I1SDS_4core3ptr7mut_ptrOh3addCsjrHSEGnQ3l9_3std")
                        DW_AT_name	("add<u8>")
                        DW_AT_decl_file	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ptr/mut_ptr.rs")
                        DW_AT_decl_line	(927)
                        DW_AT_inline	(DW_INL_inlined)

0x0002d395:           DW_TAG_subprogram
                        DW_AT_linkage_name	("_RNvMNtNtCsgEmfK2I1SDS_4core3ptr7mut_ptrONtNtCs4X4t9plMPHF_9addr2line8function15FunctionAddress3addCsjrHSEGnQ3l9_3std")
                        DW_AT_name	("add<addr2line::function::FunctionAddress>")
                        DW_AT_decl_file	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ptr/mut_ptr.rs")
                        DW_AT_decl_line	(927)
                        DW_AT_inline	(DW_INL_inlined)
`;

// `llvm-dwarfdump --debug-info @names.rsp midi-import` (limited, /tmp/sl-limited), the response
// file holding `--name=<mangled>` lines: only the matching DIEs, no compile units.
const BY_NAME_DUMP = String.raw`/tmp/sl-limited/target/pgo/pipeline/instrumented/x86_64-unknown-linux-gnu/release/midi-import:	file format elf64-x86-64

0x00000380: DW_TAG_subprogram
              DW_AT_low_pc	(0x0000000000051c30)
              DW_AT_high_pc	(0x0000000000051c4b)
              DW_AT_frame_base	(DW_OP_reg7 RSP)
              DW_AT_abstract_origin	(0x0000042d "_RNvXsq_NtCslNYArtu3iFV_5alloc6stringNtB5_6StringNtNtCsgEmfK2I1SDS_4core3fmt7Display3fmt")

0x0000042d: DW_TAG_subprogram
              DW_AT_linkage_name	("_RNvXsq_NtCslNYArtu3iFV_5alloc6stringNtB5_6StringNtNtCsgEmfK2I1SDS_4core3fmt7Display3fmt")
              DW_AT_name	("fmt")
              DW_AT_decl_file	("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/string.rs")
              DW_AT_decl_line	(2711)
              DW_AT_inline	(DW_INL_inlined)

0x0001094b: DW_TAG_subprogram
              DW_AT_low_pc	(0x000000000005db90)
              DW_AT_high_pc	(0x000000000005dd1e)
              DW_AT_frame_base	(DW_OP_reg7 RSP)
              DW_AT_linkage_name	("_ZN8pipeline8analysis8TempoMap10tick_to_us17h4c003edaeb4a511cE")
              DW_AT_name	("tick_to_us")
              DW_AT_decl_file	("/tmp/sl-limited/pipeline/src/analysis.rs")
              DW_AT_decl_line	(202)
              DW_AT_external	(true)

`;

// `build.rustflags: ["--remap-path-prefix=/tmp/sl-remap=."]`: comp_dir `.`, relative paths.
const REMAPPED_DUMP = String.raw`0x0000c237: Compile Unit: length = 0x0000527c, format = DWARF32, version = 0x0004, abbr_offset = 0x04a2, addr_size = 0x08 (next unit at 0x000114b7)

0x0000c242: DW_TAG_compile_unit
              DW_AT_producer	("clang LLVM (rustc version 1.95.0 (59807616e 2026-04-14))")
              DW_AT_language	(DW_LANG_Rust)
              DW_AT_name	("pipeline/src/lib.rs/@/pipeline.d7a9604817b2e30e-cgu.0")
              DW_AT_stmt_list	(0x000054f5)
              DW_AT_comp_dir	(".")
              DW_AT_low_pc	(0x0000000000000000)

0x00010946:       DW_TAG_namespace
                    DW_AT_name	("TempoMap")

0x0001094b:         DW_TAG_subprogram
                      DW_AT_low_pc	(0x000000000005db90)
                      DW_AT_high_pc	(0x000000000005dd1e)
                      DW_AT_frame_base	(DW_OP_reg7 RSP)
                      DW_AT_linkage_name	("_ZN8pipeline8analysis8TempoMap10tick_to_us17h4c003edaeb4a511cE")
                      DW_AT_name	("tick_to_us")
                      DW_AT_decl_file	("./pipeline/src/analysis.rs")
                      DW_AT_decl_line	(202)
                      DW_AT_external	(true)

`;

// A C++ method defined outside its class (g++ 12 -g): the in-class declaration has the linkage
// name and line 3, the definition points at it with DW_AT_specification and has line 6.
const CPP_DUMP = String.raw`/tmp/cpp/spec:	file format elf64-x86-64

.debug_info contents:
0x00000000: Compile Unit: length = 0x000000df, format = DWARF32, version = 0x0005, unit_type = DW_UT_compile, abbr_offset = 0x0000, addr_size = 0x08 (next unit at 0x000000e3)

0x0000000c: DW_TAG_compile_unit
              DW_AT_producer	("GNU C++17 12.2.0 -mtune=generic -march=x86-64 -g -O0 -fasynchronous-unwind-tables")
              DW_AT_language	(DW_LANG_C_plus_plus_14)
              DW_AT_name	("spec.cpp")
              DW_AT_comp_dir	("/tmp/cpp")
              DW_AT_low_pc	(0x000000000000112a)
              DW_AT_high_pc	(0x0000000000001171)
              DW_AT_stmt_list	(0x00000000)

0x0000002e:   DW_TAG_structure_type
                DW_AT_name	("Meter")
                DW_AT_byte_size	(0x04)
                DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                DW_AT_decl_line	(1)
                DW_AT_decl_column	(8)
                DW_AT_sibling	(0x00000068)

0x0000003b:     DW_TAG_member
                  DW_AT_name	("ticks")
                  DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                  DW_AT_decl_line	(2)
                  DW_AT_decl_column	(7)
                  DW_AT_type	(0x00000068 "int")
                  DW_AT_data_member_location	(0x00)

0x00000048:     DW_TAG_subprogram
                  DW_AT_external	(true)
                  DW_AT_name	("tick")
                  DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                  DW_AT_decl_line	(3)
                  DW_AT_decl_column	(7)
                  DW_AT_linkage_name	("_ZN5Meter4tickEi")
                  DW_AT_type	(0x00000068 "int")
                  DW_AT_declaration	(true)
                  DW_AT_object_pointer	(0x0000005c)

0x0000005c:       DW_TAG_formal_parameter
                    DW_AT_type	(0x0000006f "Meter *")
                    DW_AT_artificial	(true)

0x00000061:       DW_TAG_formal_parameter
                    DW_AT_type	(0x00000068 "int")

0x00000066:       NULL

0x00000067:     NULL

0x00000068:   DW_TAG_base_type
                DW_AT_byte_size	(0x04)
                DW_AT_encoding	(DW_ATE_signed)
                DW_AT_name	("int")

0x0000006f:   DW_TAG_pointer_type
                DW_AT_byte_size	(0x08)
                DW_AT_type	(0x0000002e "Meter")

0x00000075:   DW_TAG_const_type
                DW_AT_type	(0x0000006f "Meter *")

0x0000007a:   DW_TAG_subprogram
                DW_AT_external	(true)
                DW_AT_name	("main")
                DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                DW_AT_decl_line	(11)
                DW_AT_decl_column	(5)
                DW_AT_type	(0x00000068 "int")
                DW_AT_low_pc	(0x000000000000114e)
                DW_AT_high_pc	(0x0000000000001171)
                DW_AT_frame_base	(DW_OP_call_frame_cfa)
                DW_AT_call_all_tail_calls	(true)
                DW_AT_sibling	(0x000000aa)

0x0000009c:     DW_TAG_variable
                  DW_AT_name	("m")
                  DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                  DW_AT_decl_line	(12)
                  DW_AT_decl_column	(9)
                  DW_AT_type	(0x0000002e "Meter")
                  DW_AT_location	(DW_OP_fbreg -20)

0x000000a9:     NULL

0x000000aa:   DW_TAG_subprogram
                DW_AT_specification	(0x00000048 "_ZN5Meter4tickEi")
                DW_AT_decl_line	(6)
                DW_AT_decl_column	(5)
                DW_AT_object_pointer	(0x000000c7)
                DW_AT_low_pc	(0x000000000000112a)
                DW_AT_high_pc	(0x000000000000114e)
                DW_AT_frame_base	(DW_OP_call_frame_cfa)
                DW_AT_call_all_calls	(true)

0x000000c7:     DW_TAG_formal_parameter
                  DW_AT_name	("this")
                  DW_AT_type	(0x00000075 "Meter *const")
                  DW_AT_artificial	(true)
                  DW_AT_location	(DW_OP_fbreg -24)

0x000000d3:     DW_TAG_formal_parameter
                  DW_AT_name	("by")
                  DW_AT_decl_file	("/tmp/cpp/spec.cpp")
                  DW_AT_decl_line	(6)
                  DW_AT_decl_column	(21)
                  DW_AT_type	(0x00000068 "int")
                  DW_AT_location	(DW_OP_fbreg -28)

0x000000e1:     NULL

0x000000e2:   NULL
`;

// llvm-symbolizer --verbose --print-address --obj=midi-import 0x5db90 0x5dc03 0x53240 0x53510
// (limited, /tmp/sl-é "q" x): tick_to_us's entry, an address inside code inlined into it, the C
// `main` shim (no debug info) and `<LoadError as Display>::fmt`.
const SYMBOLIZER_LIMITED = String.raw`0x5db90
pipeline::analysis::TempoMap::tick_to_us::h4c003edaeb4a511c
  Filename: /tmp/sl-é "q" x/pipeline/src/analysis.rs
  Function start filename: /tmp/sl-é "q" x/pipeline/src/analysis.rs
  Function start line: 202
  Function start address: 0x5db90
  Line: 202
  Column: 0

0x5dc03
alloc::raw_vec::RawVecInner$LT$A$GT$::non_null::h23d978adcd79a64e
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start line: 611
  Function start address: 0x5dc03
  Line: 612
  Column: 9
alloc::raw_vec::RawVecInner$LT$A$GT$::ptr::h1c99f818c7671615
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start line: 606
  Function start address: 0x5dc03
  Line: 607
  Column: 14
alloc::raw_vec::RawVec$LT$T$C$A$GT$::ptr::h405c76979090162c
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/raw_vec/mod.rs
  Function start line: 294
  Function start address: 0x5dc03
  Line: 295
  Column: 20
alloc::vec::Vec$LT$T$C$A$GT$::as_ptr::h80d1064410327f9b
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start line: 1913
  Function start address: 0x5dc03
  Line: 1916
  Column: 18
alloc::vec::Vec$LT$T$C$A$GT$::as_slice::hf064c16796313ccb
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start line: 1798
  Function start address: 0x5dc03
  Line: 1815
  Column: 76
_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..deref..Deref$GT$::deref::h47c4237482665dce
  Filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start filename: /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/vec/mod.rs
  Function start line: 3728
  Function start address: 0x5dc03
  Line: 3729
  Column: 14
pipeline::analysis::TempoMap::tick_to_us::h4c003edaeb4a511c
  Filename: /tmp/sl-é "q" x/pipeline/src/analysis.rs
  Function start filename: /tmp/sl-é "q" x/pipeline/src/analysis.rs
  Function start line: 202
  Function start address: 0x5db90
  Line: 206
  Column: 25

0x53240
main
  Filename: ??
  Function start address: 0x53240
  Line: 0
  Column: 0

0x53510
_$LT$pipeline..smf..LoadError$u20$as$u20$core..fmt..Display$GT$::fmt::h960744fabf1a2458
  Filename: /tmp/sl-é "q" x/pipeline/src/smf.rs
  Function start filename: /tmp/sl-é "q" x/pipeline/src/smf.rs
  Function start line: 223
  Function start address: 0x53510
  Line: 223
  Column: 0
`;

// The same for line-tables-only, 0x5db90 (tick_to_us) and 0x53b20 (encode_vlq, whose first
// address is already in inlined `min`): no `Function start line`.
const SYMBOLIZER_LINE_TABLES_ONLY = String.raw`0x5db90
pipeline::analysis::TempoMap::tick_to_us::hae7b7fc63c392548
  Filename: /tmp/sl-line-tables-only/pipeline/src/analysis.rs
  Function start address: 0x5db90
  Line: 202
  Column: 0

0x53b20
min<u32>
  Filename: /tmp/sl-line-tables-only/pipeline/src/smf.rs
  Function start address: 0x53b20
  Line: 544
  Column: 0
pipeline::smf::encode_vlq::h4c31dcadcd352dd6
  Filename: /tmp/sl-line-tables-only/pipeline/src/smf.rs
  Function start address: 0x53b20
  Line: 545
  Column: 23
`;

// llvm-nm --defined-only midi-import (line-tables-only), a few lines.
const NM_LINE_TABLES_ONLY = `0000000000122d88 d CurrentVNode
0000000000030520 r GCC_except_table0
0000000000077250 t InstProfClzll
0000000000053b20 T _ZN8pipeline3smf10encode_vlq17h4c31dcadcd352dd6E
000000000005db90 T _ZN8pipeline8analysis8TempoMap10tick_to_us17hae7b7fc63c392548E
0000000000053240 T main
`;

// `build.debug: none` (cargo then strips debug info): llvm-dwarfdump --debug-info, and
// llvm-symbolizer --verbose --print-address on `main` and tick_to_us.
const NO_DEBUG_INFO_DUMP = String.raw`/tmp/sl-none/target/pgo/pipeline/instrumented/x86_64-unknown-linux-gnu/release/midi-import:	file format elf64-x86-64

.debug_info contents:
`;

const SYMBOLIZER_NO_DEBUG_INFO = `0x53220
main
  Filename: ??
  Function start address: 0x53220
  Line: 0
  Column: 0

0x5db60
pipeline::analysis::TempoMap::tick_to_us::h108e6c35f3881234
  Filename: ??
  Function start address: 0x5db60
  Line: 0
  Column: 0
`;

const ROOT = '/tmp/sl-é "q" x';
const STD = '/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library';
const TICK_TO_US = '_ZN8pipeline8analysis8TempoMap10tick_to_us17h4c003edaeb4a511cE';
const TICK_TO_US_CLOSURE = '_ZN8pipeline8analysis8TempoMap10tick_to_us28_$u7b$$u7b$closure$u7d$$u7d$17h8664abe85f26c13bE';
const LOAD_ERROR_FMT = '_ZN63_$LT$pipeline..smf..LoadError$u20$as$u20$core..fmt..Display$GT$3fmt17h960744fabf1a2458E';
const STRING_FMT = '_RNvXsq_NtCslNYArtu3iFV_5alloc6stringNtB5_6StringNtNtCsgEmfK2I1SDS_4core3fmt7Display3fmt';
const DEREF = '_ZN72_$LT$alloc..vec..Vec$LT$T$C$A$GT$$u20$as$u20$core..ops..deref..Deref$GT$5deref17h47c4237482665dceE';
// line-tables-only build: other hashes (the cargo profile changed).
const LTO_TICK_TO_US = '_ZN8pipeline8analysis8TempoMap10tick_to_us17hae7b7fc63c392548E';
const LTO_ENCODE_VLQ = '_ZN8pipeline3smf10encode_vlq17h4c31dcadcd352dd6E';
const LTO_READER_TAKE = '_ZN8pipeline3smf6Reader4take17he27a7c9a5881859aE'; // inlined everywhere: no symbol

describe('source locations: llvm-dwarfdump --debug-info parser', () => {
  it('maps a function, an impl method, a trait impl method, a closure and a std function to their decl lines', () => {
    const wanted = new Set([TICK_TO_US, TICK_TO_US_CLOSURE, LOAD_ERROR_FMT, STRING_FMT, '_ZN3not5there17h0000000000000000E']);
    const { locations, stats } = parseDwarfdumpDecls(LIMITED_DUMP, wanted);
    assert.deepEqual(Object.fromEntries(locations), {
      [TICK_TO_US]: { file: `${ROOT}/pipeline/src/analysis.rs`, line: 202 },
      [TICK_TO_US_CLOSURE]: { file: `${ROOT}/pipeline/src/analysis.rs`, line: 206 },
      [LOAD_ERROR_FMT]: { file: `${ROOT}/pipeline/src/smf.rs`, line: 223 },
      [STRING_FMT]: { file: `${STD}/alloc/src/string.rs`, line: 2711 },
    });
    assert.deepEqual(stats, { compileUnits: 3, subprogramsWithDeclLine: 4, subprogramsWithLinkageName: 4, unitsWithoutDeclLines: 0 });
  });

  it('does not take a location from DIEs that only point at a wanted name (inlined or concrete instances)', () => {
    // DEREF appears only as the DW_AT_abstract_origin of an inlined_subroutine in the excerpt.
    const { locations } = parseDwarfdumpDecls(LIMITED_DUMP, new Set([DEREF]));
    assert.equal(locations.size, 0);
  });

  it('finds no crate function in a line-tables-only dump and says so in its stats', () => {
    const stdAdd = '_RNvMNtNtCsgEmfK2I1SDS_4core3ptr7mut_ptrOh3addCsjrHSEGnQ3l9_3std';
    const { locations, stats } = parseDwarfdumpDecls(LINE_TABLES_ONLY_DUMP, new Set([LTO_TICK_TO_US, stdAdd]));
    assert.deepEqual(Object.fromEntries(locations), { [stdAdd]: { file: `${STD}/core/src/ptr/mut_ptr.rs`, line: 927 } });
    assert.equal(stats.compileUnits, 2);
    assert.equal(stats.unitsWithoutDeclLines, 1, 'the crate unit has subprograms without a single decl line');
    assert.ok(stats.subprogramsWithDeclLine >= 2);
  });

  it('reads the output of a --name query (matching DIEs only, no compile unit)', () => {
    const { locations } = parseDwarfdumpDecls(BY_NAME_DUMP, new Set([TICK_TO_US, STRING_FMT]));
    assert.deepEqual(Object.fromEntries(locations), {
      [TICK_TO_US]: { file: '/tmp/sl-limited/pipeline/src/analysis.rs', line: 202 },
      [STRING_FMT]: { file: `${STD}/alloc/src/string.rs`, line: 2711 },
    });
  });

  it('resolves paths of a remapped (relative) comp_dir against the workspace root', () => {
    assert.deepEqual(parseDwarfdumpDecls(REMAPPED_DUMP, new Set([TICK_TO_US]), '/work/ws').locations.get(TICK_TO_US), {
      file: '/work/ws/pipeline/src/analysis.rs',
      line: 202,
    });
    assert.equal(parseDwarfdumpDecls(REMAPPED_DUMP, new Set([TICK_TO_US])).locations.get(TICK_TO_US)?.file, './pipeline/src/analysis.rs');
  });

  it('takes the line of a C++ definition (DW_AT_specification), not of its in-class declaration', () => {
    const { locations } = parseDwarfdumpDecls(CPP_DUMP, new Set(['_ZN5Meter4tickEi']));
    assert.deepEqual(locations.get('_ZN5Meter4tickEi'), { file: '/tmp/cpp/spec.cpp', line: 6 });
  });

  it('matches a DW_AT_name only where there is no linkage name (C or #[no_mangle] functions)', () => {
    assert.deepEqual(parseDwarfdumpDecls(CPP_DUMP, new Set(['main'])).locations.get('main'), { file: '/tmp/cpp/spec.cpp', line: 11 });
    assert.equal(parseDwarfdumpDecls(LIMITED_DUMP, new Set(['tick_to_us'])).locations.size, 0, 'tick_to_us has a linkage name');
  });

  it('gives the same result fed line by line as a stream', () => {
    const p = new DwarfdumpDeclParser(new Set([TICK_TO_US_CLOSURE]));
    for (const line of LIMITED_DUMP.split('\n')) p.push(line);
    assert.equal(p.finish().get(TICK_TO_US_CLOSURE)?.line, 206);
  });

  it('finds nothing in the dump of a binary without debug info', () => {
    const { locations, stats } = parseDwarfdumpDecls(NO_DEBUG_INFO_DUMP, new Set([TICK_TO_US]));
    assert.equal(locations.size, 0);
    assert.equal(stats.compileUnits, 0);
  });
});

describe('source locations: paths and strings', () => {
  it('unescapes llvm-dwarfdump strings (octal UTF-8 bytes, quotes, backslashes, tabs)', () => {
    assert.equal(unescapeDwarfString(String.raw`/tmp/sl-\303\251 \"q\" x`), '/tmp/sl-é "q" x');
    assert.equal(unescapeDwarfString(String.raw`a\\b\tc\nd`), 'a\\b\tc\nd');
    assert.equal(unescapeDwarfString('plain'), 'plain');
  });

  it('makes decl files absolute', () => {
    assert.equal(resolveDeclFile('/ws/./src/../src/a.rs', undefined, undefined), '/ws/src/a.rs');
    assert.equal(resolveDeclFile('src/a.rs', '/ws', '/other'), '/ws/src/a.rs');
    assert.equal(resolveDeclFile('./src/a.rs', '.', '/ws'), '/ws/src/a.rs');
    assert.equal(resolveDeclFile('./src/a.rs', '.', undefined), './src/a.rs');
  });

  it('finds the workspace root above an instrumented binary', () => {
    const ws = tempDir();
    const bin = path.join(ws, 'target', 'pgo', 'pipeline', 'instrumented', 'x86_64-unknown-linux-gnu', 'release', 'midi-import');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, '');
    fs.writeFileSync(path.join(ws, 'Cargo.toml'), '[workspace]\n');
    assert.equal(inferWorkspaceRoot(bin), ws);
  });

  it('writes one --name option per mangled name into the response file, leaving out names that would need quoting', () => {
    assert.equal(dwarfdumpNameResponseFile([TICK_TO_US, STRING_FMT, 'has space', 'q"uote']), `--name=${TICK_TO_US}\n--name=${STRING_FMT}\n`);
    assert.equal(dwarfdumpNameResponseFile([]), '');
  });
});

describe('source locations: llvm-nm and llvm-symbolizer parsers', () => {
  it('reads function symbols from llvm-nm and skips data', () => {
    const syms = NM_LINE_TABLES_ONLY.split('\n').map(parseNmLine).filter((s) => s !== undefined);
    assert.deepEqual(syms, [
      { address: '77250', type: 't', name: 'InstProfClzll' },
      { address: '53b20', type: 'T', name: LTO_ENCODE_VLQ },
      { address: '5db90', type: 'T', name: LTO_TICK_TO_US },
      { address: '53240', type: 'T', name: 'main' },
    ]);
  });

  it('takes the outermost frame\'s Function start line, also for an address inside inlined code', () => {
    const entries = parseSymbolizerVerbose(SYMBOLIZER_LIMITED);
    assert.deepEqual(
      entries.map((e) => [e.address, e.frames.length]),
      [
        ['5db90', 1],
        ['5dc03', 7],
        ['53240', 1],
        ['53510', 1],
      ],
    );
    const inlined = entries[1];
    assert.ok(inlined);
    assert.equal(inlined.frames[0]?.functionStartLine, 611, 'innermost frame first');
    const loc = (i: number) => {
      const e = entries[i];
      return e ? frameLocation(e) : undefined;
    };
    assert.deepEqual(loc(0), { location: { file: `${ROOT}/pipeline/src/analysis.rs`, line: 202 }, kind: 'decl' });
    assert.deepEqual(loc(1), { location: { file: `${ROOT}/pipeline/src/analysis.rs`, line: 202 }, kind: 'decl' });
    assert.equal(loc(2), undefined, '`main` has no debug info');
    assert.deepEqual(loc(3), { location: { file: `${ROOT}/pipeline/src/smf.rs`, line: 223 }, kind: 'decl' });
  });

  it('without decl lines takes the prologue line at the function\'s first address', () => {
    const [tick, encode] = parseSymbolizerVerbose(SYMBOLIZER_LINE_TABLES_ONLY);
    assert.ok(tick && encode);
    assert.deepEqual(frameLocation(tick), { location: { file: '/tmp/sl-line-tables-only/pipeline/src/analysis.rs', line: 202 }, kind: 'entry' });
    // Inlined `min` starts at the same address: its column-0 row (544, the `fn encode_vlq` line)
    // beats the outer frame's call-site line 545.
    assert.deepEqual(frameLocation(encode), { location: { file: '/tmp/sl-line-tables-only/pipeline/src/smf.rs', line: 544 }, kind: 'entry' });
  });

  it('finds nothing in symbolizer output without debug info', () => {
    assert.deepEqual(parseSymbolizerVerbose(SYMBOLIZER_NO_DEBUG_INFO).map((e) => frameLocation(e)), [undefined, undefined]);
  });
});

describe('lookupSourceLocations with stand-in LLVM tools', () => {
  let savedPath: string | undefined;
  let root: string;
  let binDir: string;
  let binary: string;
  let log: string;

  /** A shell script that prints `stdout` (and logs its arguments and any @response file). */
  function fakeTool(name: string, stdout: string, opts: { exit?: number; stderr?: string } = {}): void {
    const data = path.join(root, `${name}.out`);
    fs.writeFileSync(data, stdout);
    const script = [
      '#!/bin/sh',
      'PATH=/usr/bin:/bin',
      `echo "${name} $*" >> '${log}'`,
      `for a in "$@"; do case "$a" in @*) cat "\${a#@}" >> '${log}';; esac; done`,
      `cat '${data}'`,
      ...(opts.stderr ? [`echo '${opts.stderr}' >&2`] : []),
      `exit ${opts.exit ?? 0}`,
    ];
    fs.writeFileSync(path.join(binDir, name), `${script.join('\n')}\n`, { mode: 0o755 });
  }
  const calls = (): string[] => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

  beforeEach(() => {
    root = tempDir('pgo-srcloc-');
    binDir = path.join(root, 'llvm-bin');
    fs.mkdirSync(binDir);
    log = path.join(root, 'calls.log');
    const ws = path.join(root, 'ws');
    binary = path.join(ws, 'target', 'pgo', 'pipeline', 'instrumented', 'x86_64-unknown-linux-gnu', 'release', 'midi-import');
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.writeFileSync(binary, '');
    fs.writeFileSync(path.join(ws, 'Cargo.toml'), '[workspace]\n');
    // No real LLVM tool may be found on PATH: only the stand-ins in binDir.
    savedPath = process.env.PATH;
    process.env.PATH = path.join(root, 'empty');
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('asks llvm-dwarfdump for the wanted names through a response file', async () => {
    fakeTool('llvm-dwarfdump', BY_NAME_DUMP);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US, STRING_FMT]) });
    assert.equal(r.method, 'dwarf-decl-line');
    assert.equal(r.problem, undefined);
    assert.equal(r.note, undefined);
    assert.deepEqual(r.locations.get(TICK_TO_US), { file: '/tmp/sl-limited/pipeline/src/analysis.rs', line: 202 });
    const c = calls();
    assert.match(c[0] ?? '', /^llvm-dwarfdump --debug-info @\S+names\.rsp \S+midi-import$/);
    assert.ok(c.includes(`--name=${TICK_TO_US}`) && c.includes(`--name=${STRING_FMT}`), c.join('\n'));
    assert.equal(c.filter((l) => l.startsWith('llvm-dwarfdump ')).length, 1, 'one pass');
  });

  it('falls back to llvm-nm + llvm-symbolizer for a line-tables-only build, and says how to get exact lines', async () => {
    fakeTool('llvm-dwarfdump', LINE_TABLES_ONLY_DUMP);
    fakeTool('llvm-nm', NM_LINE_TABLES_ONLY);
    fakeTool('llvm-symbolizer', SYMBOLIZER_LINE_TABLES_ONLY);
    const r = await lookupSourceLocations({
      binaries: [binary],
      llvmBinDir: binDir, toolSearch: { fsRoot: root },
      mangledNames: new Set([LTO_TICK_TO_US, LTO_ENCODE_VLQ, LTO_READER_TAKE]),
    });
    assert.equal(r.method, 'symbolizer-entry-line:symbols-only');
    assert.deepEqual(r.locations.get(LTO_TICK_TO_US), { file: '/tmp/sl-line-tables-only/pipeline/src/analysis.rs', line: 202 });
    assert.equal(r.locations.get(LTO_ENCODE_VLQ)?.line, 544);
    assert.equal(r.locations.has(LTO_READER_TAKE), false, 'no symbol, no location');
    assert.match(r.note ?? '', /build\.debug: limited/);
    assert.match(r.note ?? '', /1 of 3 functions were not found/);
    const symbolizerCall = calls().find((l) => l.startsWith('llvm-symbolizer '));
    assert.match(symbolizerCall ?? '', /--verbose --print-address --obj=\S+midi-import 0x(53b20 0x5db90|5db90 0x53b20)$/);
  });

  it('skips llvm-nm and llvm-symbolizer when only rustc\'s C `main` shim (no debug info) is left', async () => {
    fakeTool('llvm-dwarfdump', BY_NAME_DUMP);
    fakeTool('llvm-nm', NM_LINE_TABLES_ONLY);
    fakeTool('llvm-symbolizer', SYMBOLIZER_LIMITED);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US, 'main']) });
    assert.equal(r.method, 'dwarf-decl-line');
    assert.match(r.note ?? '', /1 of 2 functions were not found/);
    assert.deepEqual(
      calls().map((l) => l.split(' ')[0]),
      ['llvm-dwarfdump', `--name=${TICK_TO_US}`, '--name=main'],
    );
  });

  it('returns method none and the build.debug fix for a binary without debug info', async () => {
    fakeTool('llvm-dwarfdump', NO_DEBUG_INFO_DUMP);
    fakeTool('llvm-nm', '0000000000053220 T main\n000000000005db60 T _ZN8pipeline8analysis8TempoMap10tick_to_us17h108e6c35f3881234E\n');
    fakeTool('llvm-symbolizer', SYMBOLIZER_NO_DEBUG_INFO);
    const r = await lookupSourceLocations({
      binaries: [binary],
      llvmBinDir: binDir, toolSearch: { fsRoot: root },
      mangledNames: new Set(['main', '_ZN8pipeline8analysis8TempoMap10tick_to_us17h108e6c35f3881234E']),
    });
    assert.equal(r.method, 'none');
    assert.equal(r.locations.size, 0);
    assert.match(r.problem?.message ?? '', /no debug info/);
    assert.match(r.problem?.fix ?? '', /build\.debug: limited/);
  });

  it('blames line-tables-only when the debug info has lines but no decl lines and there is no symbolizer', async () => {
    fakeTool('llvm-dwarfdump', LINE_TABLES_ONLY_DUMP);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([LTO_TICK_TO_US]) });
    assert.equal(r.method, 'none');
    assert.match(r.problem?.message ?? '', /line-tables-only/);
    assert.match(r.problem?.fix ?? '', /build\.debug: limited/);
  });

  it('says the names do not match when the debug info has decl lines but not for these names', async () => {
    fakeTool('llvm-dwarfdump', LIMITED_DUMP);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([LTO_TICK_TO_US]) });
    assert.equal(r.method, 'none');
    assert.match(r.problem?.message ?? '', /do not match/);
  });

  it('does not throw when llvm-dwarfdump fails: the problem carries its error', async () => {
    fakeTool('llvm-dwarfdump', '', { exit: 1, stderr: 'error: midi-import: not an object file' });
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US]) });
    assert.equal(r.method, 'none');
    assert.match(r.problem?.message ?? '', /not an object file/);
  });

  it('names the missing tools when there is neither llvm-dwarfdump nor llvm-symbolizer', async () => {
    fakeTool('llvm-nm', NM_LINE_TABLES_ONLY);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US]) });
    assert.equal(r.method, 'none');
    assert.match(r.problem?.message ?? '', /built-in DWARF reader could not read .* is not an ELF file.*llvm-dwarfdump, llvm-symbolizer were not found/);
    assert.match(r.problem?.fix ?? '', /llvm-dwarfdump on PATH/);
  });

  it('asks for the instrumented build when the binary does not exist', async () => {
    fakeTool('llvm-dwarfdump', LIMITED_DUMP);
    const r = await lookupSourceLocations({ binaries: [path.join(root, 'nope')], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US]) });
    assert.equal(r.method, 'none');
    assert.match(r.problem?.fix ?? '', /pgo instrument/);
    assert.deepEqual(calls(), []);
  });

  it('runs nothing for an empty name set', async () => {
    fakeTool('llvm-dwarfdump', LIMITED_DUMP);
    const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set() });
    assert.deepEqual([r.method, r.locations.size, r.problem], ['none', 0, undefined]);
    assert.deepEqual(calls(), []);
  });

  it('rejects with CancelledError when cancelled', async () => {
    fakeTool('llvm-dwarfdump', LIMITED_DUMP);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      lookupSourceLocations({ binaries: [binary], llvmBinDir: binDir, toolSearch: { fsRoot: root }, mangledNames: new Set([TICK_TO_US]), signal: ac.signal }),
      CancelledError,
    );
  });
});
