// Tests for the Rust symbol demangler. Vectors come from three places:
// - rustc-demangle's own test suite (src/legacy.rs, src/v0.rs, src/lib.rs);
// - symbols of tiny std-only programs built with rustc 1.95
//   (`-C symbol-mangling-version=v0` and the default legacy scheme), checked
//   against llvm-cxxfilt 22 (v0), binutils c++filt (legacy) and the
//   backtraces of std itself (which demangles with rustc-demangle);
// - llvm-profdata 22 `show --all-functions` output of those programs.
// None of them needs a Rust toolchain to run.

import assert from 'node:assert/strict';

import { crateOf, demangle, genericKey, splitProfileName } from '../../src/core/demangle';
import { demangleLegacy } from '../../src/core/demangle/legacy';
import { decodePunycode } from '../../src/core/demangle/punycode';
import { demangleV0 } from '../../src/core/demangle/v0';

type Vector = readonly [mangled: string, display: string];

// rustc-demangle src/legacy.rs + src/lib.rs, `t!` (printed with the hash).
const LEGACY_RUSTC_DEMANGLE_WITH_HASH: readonly Vector[] = [
  ['_ZN4testE', 'test'],
  ['_ZN4test1a2bcE', 'test::a::bc'],
  ['_ZN4$RP$E', ')'],
  ['_ZN8$RF$testE', '&test'],
  ['_ZN8$BP$test4foobE', '*test::foob'],
  ['_ZN9$u20$test4foobE', ' test::foob'],
  ['_ZN35Bar$LT$$u5b$u32$u3b$$u20$4$u5d$$GT$E', 'Bar<[u32; 4]>'],
  ['_ZN13test$u20$test4foobE', 'test test::foob'],
  ['_ZN12test$BP$test4foobE', 'test*test::foob'],
  ['__ZN5alloc9allocator6Layout9for_value17h02a996811f781011E', 'alloc::allocator::Layout::for_value::h02a996811f781011'],
  [
    '__ZN38_$LT$core..option..Option$LT$T$GT$$GT$6unwrap18_MSG_FILE_LINE_COL17haf7cb8d5824ee659E',
    '<core::option::Option<T>>::unwrap::_MSG_FILE_LINE_COL::haf7cb8d5824ee659',
  ],
  [
    '__ZN4core5slice89_$LT$impl$u20$core..iter..traits..IntoIterator$u20$for$u20$$RF$$u27$a$u20$$u5b$T$u5d$$GT$9into_iter17h450e234d27262170E',
    "core::slice::<impl core::iter::traits::IntoIterator for &'a [T]>::into_iter::h450e234d27262170",
  ],
  ['_ZN13_$LT$test$GT$E', '<test>'],
  ['_ZN28_$u7b$$u7b$closure$u7d$$u7d$E', '{{closure}}'],
  ['_ZN15__STATIC_FMTSTRE', '__STATIC_FMTSTR'],
  [
    '_ZN71_$LT$Test$u20$$u2b$$u20$$u27$static$u20$as$u20$foo..Bar$LT$Test$GT$$GT$3barE',
    "<Test + 'static as foo::Bar<Test>>::bar",
  ],
  ['_ZN3foo17h05af221e174051e9E', 'foo::h05af221e174051e9'],
  [
    '_ZN4core5slice77_$LT$impl$u20$core..ops..index..IndexMut$LT$I$GT$$u20$for$u20$$u5b$T$u5d$$GT$9index_mut17haf9727c2edfbc47bE.exit.i.i',
    'core::slice::<impl core::ops::index::IndexMut<I> for [T]>::index_mut::haf9727c2edfbc47b.exit.i.i',
  ],
  [
    '_ZN151_$LT$alloc..boxed..Box$LT$alloc..boxed..FnBox$LT$A$C$$u20$Output$u3d$R$GT$$u20$$u2b$$u20$$u27$a$GT$$u20$as$u20$core..ops..function..FnOnce$LT$A$GT$$GT$9call_once17h69e8f44b3723e1caE',
    "<alloc::boxed::Box<alloc::boxed::FnBox<A, Output=R> + 'a> as core::ops::function::FnOnce<A>>::call_once::h69e8f44b3723e1ca",
  ],
  [
    '_ZN88_$LT$core..result..Result$LT$$u21$$C$$u20$E$GT$$u20$as$u20$std..process..Termination$GT$6report17hfc41d0da4a40b3e8E',
    '<core::result::Result<!, E> as std::process::Termination>::report::hfc41d0da4a40b3e8',
  ],
];

// rustc-demangle `t_nohash!` (printed with `{:#}`, i.e. without the hash).
const LEGACY_RUSTC_DEMANGLE_NO_HASH: readonly Vector[] = [
  ['_ZN3foo17h05af221e174051e9E', 'foo'],
  ['_ZN3fooE', 'foo'],
  ['_ZN3foo3barE', 'foo::bar'],
  ['_ZN3foo20h05af221e174051e9abcE', 'foo'], // longer-than-normal hash
  ['_ZN3foo5h05afE', 'foo'], // shorter-than-normal hash
  ['_ZN17h05af221e174051e93fooE', 'h05af221e174051e9::foo'], // hash not at the end
  ['_ZN3foo16ffaf221e174051e9E', 'foo::ffaf221e174051e9'], // no `h`
  ['_ZN3foo17hg5af221e174051e9E', 'foo::hg5af221e174051e9'], // not hex
  [
    '_ZN4core5slice77_$LT$impl$u20$core..ops..index..IndexMut$LT$I$GT$$u20$for$u20$$u5b$T$u5d$$GT$9index_mut17haf9727c2edfbc47bE.exit.i.i',
    'core::slice::<impl core::ops::index::IndexMut<I> for [T]>::index_mut.exit.i.i',
  ],
  [
    '_ZN11utf8_idents157_$u10e1$$u10d0$$u10ed$$u10db$$u10d4$$u10da$$u10d0$$u10d3$_$u10d2$$u10d4$$u10db$$u10e0$$u10d8$$u10d4$$u10da$$u10d8$_$u10e1$$u10d0$$u10d3$$u10d8$$u10da$$u10d8$17h21634fd5714000aaE',
    'utf8_idents::საჭმელად_გემრიელი_სადილი',
  ],
  [
    '_ZN11issue_609253foo37Foo$LT$issue_60925..llv$u6d$..Foo$GT$3foo17h059a991a004536adE',
    'issue_60925::foo::Foo<issue_60925::llvm::Foo>::foo',
  ],
];

// rustc 1.95 legacy symbols (demo programs and std), display checked against
// binutils c++filt with the hash removed. [mangled, display, hash]
const LEGACY_RUSTC_1_95: readonly (readonly [string, string, string])[] = [
  ['_ZN4demo4main17h38e95565b6f46d0eE', 'demo::main', '38e95565b6f46d0e'],
  ['_ZN4demo5outer5inner4deep17h92a297ff311a3ec2E', 'demo::outer::inner::deep', '92a297ff311a3ec2'],
  ['_ZN4demo4main28_$u7b$$u7b$closure$u7d$$u7d$17h36bcab40ef16bdfdE', 'demo::main::{{closure}}', '36bcab40ef16bdfd'],
  [
    '_ZN4demo12Buf$LT$_$GT$3sum28_$u7b$$u7b$closure$u7d$$u7d$17h536b574b9cc5f420E',
    'demo::Buf<_>::sum::{{closure}}',
    '536b574b9cc5f420',
  ],
  ['_ZN40_$LT$demo..Sq$u20$as$u20$demo..Shape$GT$4area17ha874dd93fc354ce8E', '<demo::Sq as demo::Shape>::area', 'a874dd93fc354ce8'],
  [
    '_ZN55_$LT$demo..Foo$LT$T$GT$$u20$as$u20$core..fmt..Debug$GT$3fmt17h0fbd3c516ada3eafE',
    '<demo::Foo<T> as core::fmt::Debug>::fmt',
    '0fbd3c516ada3eaf',
  ],
  ['_ZN4demo13Flag$LT$_$GT$3get17h6b50df3d801a17e4E', 'demo::Flag<_>::get', '6b50df3d801a17e4'],
  ['_ZN42_$LT$$RF$T$u20$as$u20$core..fmt..Debug$GT$3fmt17h1aae5ca92c3c99c0E', '<&T as core::fmt::Debug>::fmt', '1aae5ca92c3c99c0'],
  [
    '_ZN4core3ptr78drop_in_place$LT$$LP$alloc..string..String$C$alloc..vec..Vec$LT$u8$GT$$RP$$GT$17he2db963e822fe7a9E',
    'core::ptr::drop_in_place<(alloc::string::String,alloc::vec::Vec<u8>)>',
    'e2db963e822fe7a9',
  ],
  [
    '_ZN4core3ptr9const_ptr33_$LT$impl$u20$$BP$const$u20$T$GT$13is_aligned_to17he7f01db792e725b0E',
    'core::ptr::const_ptr::<impl *const T>::is_aligned_to',
    'e7f01db792e725b0',
  ],
  ['_ZN4core5slice29_$LT$impl$u20$$u5b$T$u5d$$GT$4iter17hfa62059da5d88e9fE', 'core::slice::<impl [T]>::iter', 'fa62059da5d88e9f'],
  [
    '_ZN54_$LT$$LP$$RP$$u20$as$u20$std..process..Termination$GT$6report17hdd54dd58d7e1c9e2E',
    '<() as std::process::Termination>::report',
    'dd54dd58d7e1c9e2',
  ],
  [
    '_ZN75_$LT$usize$u20$as$u20$core..slice..index..SliceIndex$LT$$u5b$T$u5d$$GT$$GT$5index17h7ef0fdf07b8f0b34E',
    '<usize as core::slice::index::SliceIndex<[T]>>::index',
    '7ef0fdf07b8f0b34',
  ],
  ['_ZN9hashbrown3raw21RawTable$LT$T$C$A$GT$4find17hcba28eecc5fb9176E', 'hashbrown::raw::RawTable<T,A>::find', 'cba28eecc5fb9176'],
  [
    '_ZN4core3ops8function6FnOnce40call_once$u7b$$u7b$vtable.shim$u7d$$u7d$17he86b06e89e6b508aE',
    'core::ops::function::FnOnce::call_once{{vtable.shim}}',
    'e86b06e89e6b508a',
  ],
  [
    '_ZN4core3ptr149drop_in_place$LT$alloc..boxed..Box$LT$dyn$u20$core..ops..function..Fn$LT$$LP$u8$C$$RP$$GT$$u2b$Output$u20$$u3d$$u20$u8$u2b$core..marker..Send$GT$$GT$17h1d9fed2eac1518c2E',
    'core::ptr::drop_in_place<alloc::boxed::Box<dyn core::ops::function::Fn<(u8,)>+Output = u8+core::marker::Send>>',
    '1d9fed2eac1518c2',
  ],
  // Generic `$uXX$` escapes of non-ASCII identifiers (`mod größe { fn maße() }`).
  ['_ZN4demo13gr$uf6$$udf$e8ma$udf$e17h11685287eaadddc5E', 'demo::größe::maße', '11685287eaadddc5'],
  [
    '_ZN5types22_$u65e5$$u672c$$u8a9e$13Gr$uf6$$udf$e4wert17hfcdb45dd3e836a78E',
    'types::日本語::Größe::wert',
    'fcdb45dd3e836a78',
  ],
];

// rustc-demangle src/v0.rs `t_nohash!`.
const V0_RUSTC_DEMANGLE: readonly Vector[] = [
  ['_RNvC6_123foo3bar', '123foo::bar'],
  ['_RC4f128', 'f128'],
  ['_RNqCs4fqI2P2rA04_11utf8_identsu30____7hkackfecea1cbdathfdh9hlq6y', 'utf8_idents::საჭმელად_გემრიელი_სადილი'],
  ['_RNCNCNgCs6DXkGYLi8lr_2cc5spawn00B5_', 'cc::spawn::{closure#0}::{closure#0}'],
  [
    '_RNCINkXs25_NgCsbmNqQUJIY6D_4core5sliceINyB9_4IterhENuNgNoBb_4iter8iterator8Iterator9rpositionNCNgNpB9_6memchr7memrchrs_0E0Bb_',
    '<core::slice::Iter<u8> as core::iter::iterator::Iterator>::rposition::<core::slice::memchr::memrchr::{closure#1}>::{closure#0}',
  ],
  [
    '_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_ECs1iopQbuBiw2_3std',
    'alloc::alloc::box_free::<dyn alloc::boxed::FnBox<(), Output = ()>>',
  ],
  ['_RMC0WmRm1_m9_', '<u32 is 1..=9>'],
  ['_RMC0WmORm1_m2_Rm5_m6_E', '<u32 is 1..=2 | 5..=6>'],
  ['_RMC0INtC8arrayvec8ArrayVechKj7b_E', '<arrayvec::ArrayVec<u8, 123>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_8UnsignedKhb_E', '<const_generic::Unsigned<11>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_6SignedKs98_E', '<const_generic::Signed<152>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_6SignedKanb_E', '<const_generic::Signed<-11>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_4BoolKb0_E', '<const_generic::Bool<false>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_4BoolKb1_E', '<const_generic::Bool<true>>'],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_4CharKc76_E', "<const_generic::Char<'v'>>"],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_4CharKca_E', "<const_generic::Char<'\\n'>>"],
  ['_RMCs4fqI2P2rA04_13const_genericINtB0_4CharKc2202_E', "<const_generic::Char<'∂'>>"],
  ['_RNvNvMCs4fqI2P2rA04_13const_genericINtB4_3FooKpE3foo3FOO', '<const_generic::Foo<_>>::foo::FOO'],
  ['_RC3foo.llvm.9D1C9369', 'foo'],
  ['_RC3foo.llvm.9D1C9369@@16', 'foo'],
  ['_RNvC9backtrace3foo.llvm.A5310EB9', 'backtrace::foo'],
  [
    '_RNvNtNtNtNtCs92dm3009vxr_4rand4rngs7adapter9reseeding4fork23FORK_HANDLER_REGISTERED.0.0',
    'rand::rngs::adapter::reseeding::fork::FORK_HANDLER_REGISTERED.0.0',
  ],
];

// rustc-demangle `t_const!`: `_RIC0K<const>E` prints as `::<<value>>`.
const V0_RUSTC_DEMANGLE_CONSTS: readonly Vector[] = [
  ['p', '_'],
  ['hb_', '11'],
  ['off00ff00ff00ff00ff_', '0xff00ff00ff00ff00ff'],
  ['s98_', '152'],
  ['anb_', '-11'],
  ['j7b_', '123'],
  ['b0_', 'false'],
  ['b1_', 'true'],
  ['c76_', "'v'"],
  ['c22_', `'"'`],
  ['ca_', "'\\n'"],
  ['c2202_', "'∂'"],
  ['e616263_', '{*"abc"}'],
  ['e27_', `{*"'"}`],
  ['e090a_', '{*"\\t\\n"}'],
  ['ee28882c3bc_', '{*"∂ü"}'],
  [
    'ee183a1e18390e183ade1839be18394e1839ae18390e183935fe18392e18394e1839be183a0e18398e18394e1839ae183985fe183a1e18390e18393e18398e1839ae18398_',
    '{*"საჭმელად_გემრიელი_სადილი"}',
  ],
  [
    'ef09f908af09fa688f09fa686f09f90ae20c2a720f09f90b6f09f9192e29895f09f94a520c2a720f09fa7a1f09f929bf09f929af09f9299f09f929c_',
    '{*"🐊🦈🦆🐮 § 🐶👒☕🔥 § 🧡💛💚💙💜"}',
  ],
  ['Re616263_', '"abc"'],
  ['Re27_', `"'"`],
  ['Re090a_', '"\\t\\n"'],
  ['Ree28882c3bc_', '"∂ü"'],
  ['Rp', '{&_}'],
  ['Rh7b_', '{&123}'],
  ['Rb0_', '{&false}'],
  ['Rc58_', "{&'X'}"],
  ['RRRh0_', '{&&&0}'],
  ['RRRe_', '{&&""}'],
  ['QAE', '{&mut []}'],
  ['AE', '{[]}'],
  ['Aj0_E', '{[0]}'],
  ['Ah1_h2_h3_E', '{[1, 2, 3]}'],
  ['ARe61_Re62_Re63_E', '{["a", "b", "c"]}'],
  ['AAh1_h2_EAh3_h4_EE', '{[[1, 2], [3, 4]]}'],
  ['TE', '{()}'],
  ['Tj0_E', '{(0,)}'],
  ['Th1_b0_E', '{(1, false)}'],
  ['TRe616263_c78_RAh1_h2_h3_EE', `{("abc", 'x', &[1, 2, 3])}`],
  ['VNvINtNtC4core6option6OptionjE4NoneU', '{core::option::Option::<usize>::None}'],
  ['VNvINtNtC4core6option6OptionjE4SomeTj0_E', '{core::option::Option::<usize>::Some(0)}'],
  ['VNtC3foo3BarS1sRe616263_2chc78_5sliceRAh1_h2_h3_EE', `{foo::Bar { s: "abc", ch: 'x', slice: &[1, 2, 3] }}`],
];

// rustc-demangle `t_const_suffixed!`: with `{}` the integer type follows the value.
const V0_RUSTC_DEMANGLE_SUFFIXED_CONSTS: readonly Vector[] = [
  ['j7b_', '123usize'],
  ['hb_', '11u8'],
  ['off00ff00ff00ff00ff_', '0xff00ff00ff00ff00ffu128'],
  ['s98_', '152i16'],
  ['anb_', '-11i8'],
];

// rustc 1.95 `-C symbol-mangling-version=v0` symbols of the demo programs
// (and std/rustc symbols they pull in); display = llvm-cxxfilt 22 output.
const V0_RUSTC_1_95: readonly Vector[] = [
  ['_RNvCs2ndz2m94zur_4demo4main', 'demo::main'],
  ['_RNvNtNtCs2ndz2m94zur_4demo5outer5inner4deep', 'demo::outer::inner::deep'],
  ['_RNCNvCs2ndz2m94zur_4demo4main0B3_', 'demo::main::{closure#0}'],
  ['_RNCNvCs2ndz2m94zur_4demo4mains_0B3_', 'demo::main::{closure#1}'],
  ['_RNCNvCs2ndz2m94zur_4demo4mains0_0B3_', 'demo::main::{closure#2}'],
  ['_RINvCs2ndz2m94zur_4demo5applyNCNvB2_4main0EB2_', 'demo::apply::<demo::main::{closure#0}>'],
  ['_RINvCs2ndz2m94zur_4demo7genericReEB2_', 'demo::generic::<&str>'],
  ['_RINvCs2ndz2m94zur_4demo7genericINtNtCslNYArtu3iFV_5alloc3vec3VechEEB2_', 'demo::generic::<alloc::vec::Vec<u8>>'],
  ['_RNvXCs2ndz2m94zur_4demoINtB2_3FoohENtNtCsgEmfK2I1SDS_4core3fmt5Debug3fmtB2_', '<demo::Foo<u8> as core::fmt::Debug>::fmt'],
  ['_RNvXCs2ndz2m94zur_4demoINtB2_3FoomENtNtCsgEmfK2I1SDS_4core3fmt5Debug3fmtB2_', '<demo::Foo<u32> as core::fmt::Debug>::fmt'],
  ['_RNvXs3_Cs2ndz2m94zur_4demoNtB5_2SqNtB5_5Shape4area', '<demo::Sq as demo::Shape>::area'],
  ['_RNvYjNtNtCsgEmfK2I1SDS_4core3cmp3Ord3maxCs2ndz2m94zur_4demo', '<usize as core::cmp::Ord>::max'],
  ['_RNvMs_Cs2ndz2m94zur_4demoINtB4_3BufKj4_E3sumB4_', '<demo::Buf<4>>::sum'],
  ['_RNCNvMs_Cs2ndz2m94zur_4demoINtB6_3BufKj4_E3sum0B6_', '<demo::Buf<4>>::sum::{closure#0}'],
  ['_RNvMs0_Cs2ndz2m94zur_4demoINtB5_4FlagKb1_E3getB5_', '<demo::Flag<true>>::get'],
  ['_RNvMs1_Cs2ndz2m94zur_4demoINtB5_2ChKc78_E3getB5_', "<demo::Ch<'x'>>::get"],
  ['_RNvMs2_Cs2ndz2m94zur_4demoINtB5_3NegKln5_E3getB5_', '<demo::Neg<-5>>::get'],
  ['_RNvMs0_Cs4u4lSCC4rDD_5typesINtB5_5SmallKan80_E1nB5_', '<types::Small<-128>>::n'],
  ['_RNvMs1_Cs4u4lSCC4rDD_5typesINtB5_3UniKca_E1cB5_', "<types::Uni<'\\n'>>::c"],
  ['_RNvMs1_Cs4u4lSCC4rDD_5typesINtB5_3UniKc27_E1cB5_', "<types::Uni<'\\''>>::c"],
  ['_RNvMs_Cs4u4lSCC4rDD_5typesINtB4_3BigKoab54a98ceb1f0ad2_E1nB4_', '<types::Big<12345678901234567890>>::n'],
  ['_RNvMs_Cs4u4lSCC4rDD_5typesINtB4_3BigKoffffffffffffffffffffffffffffffff_E1nB4_', '<types::Big<0xffffffffffffffffffffffffffffffff>>::n'],
  ['_RNvNtCs2ndz2m94zur_4demou9gre_6ka8iu7mae_6ka', 'demo::größe::maße'],
  ['_RNvNtCs4u4lSCC4rDD_5typesu10wgv71a119eu9gre_6ka8l', 'types::日本語::grüße'],
  ['_RNvMNtCs4u4lSCC4rDD_5typesu10wgv71a119eNtB2_u9Gre_6ka8i4wert', '<types::日本語::Größe>::wert'],
  ['_RNSNvYNCNvCs2ndz2m94zur_4demo4mains0_0INtNtNtCsgEmfK2I1SDS_4core3ops8function6FnOnceThEE9call_once6vtableB8_', '<demo::main::{closure#2} as core::ops::function::FnOnce<(u8,)>>::call_once::{shim:vtable#0}'],
  ['_RNCNKNvNvMNtNtCsjrHSEGnQ3l9_3std4hash6randomNtB8_11RandomState3new4KEYS0s_0Cs2ndz2m94zur_4demo', '<std::hash::random::RandomState>::new::KEYS::{K#0}::{closure#1}'],
  ['_RINvCs4u4lSCC4rDD_5types2tyAhj10_EB2_', 'types::ty::<[u8; 16]>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyOAmj3_EB2_', 'types::ty::<*mut [u32; 3]>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyPhEB2_', 'types::ty::<*const u8>'],
  ['_RINvCs4u4lSCC4rDD_5types2tySNtNtCslNYArtu3iFV_5alloc6string6StringEB2_', 'types::ty::<[alloc::string::String]>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyTNtNtCslNYArtu3iFV_5alloc6string6StringEEB2_', 'types::ty::<(alloc::string::String,)>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyThslxniEEB2_', 'types::ty::<(u8, i16, i32, i64, i128, isize)>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyTtmyojfdbcuEEB2_', 'types::ty::<(u16, u32, u64, u128, usize, f32, f64, bool, char, ())>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyQINtNtCslNYArtu3iFV_5alloc3vec3VecReEEB2_', 'types::ty::<&mut alloc::vec::Vec<&str>>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyFG_RL0_hRL0_tERL0_hEB2_', "types::ty::<for<'a> fn(&'a u8, &'a u16) -> &'a u8>"],
  ['_RINvCs4u4lSCC4rDD_5types2tyFUKCOhEuEB2_', 'types::ty::<unsafe extern "C" fn(*mut u8)>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyFK8C_unwindEuEB2_', 'types::ty::<extern "C-unwind" fn()>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyDG_INtNtNtCsgEmfK2I1SDS_4core3ops8function2FnTRL0_eEEp6OutputRL0_eEL_EB2_', "types::ty::<dyn for<'a> core::ops::function::Fn<(&'a str,), Output = &'a str>>"],
  ['_RINvCs4u4lSCC4rDD_5types2tyDINtNtNtCsgEmfK2I1SDS_4core3ops8function2FnThEEp6OutputhNtNtBx_6marker4SyncNtB1l_4SendEL_EB2_', 'types::ty::<dyn core::ops::function::Fn<(u8,), Output = u8> + core::marker::Sync + core::marker::Send>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyDNtNtNtNtCsgEmfK2I1SDS_4core4iter6traits8iterator8Iteratorp4ItemThcEEL_EB2_', 'types::ty::<dyn core::iter::traits::iterator::Iterator<Item = (u8, char)>>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyINtNtCsgEmfK2I1SDS_4core6result6ResultNtNtBu_7convert10InfalliblezEEB2_', 'types::ty::<core::result::Result<core::convert::Infallible, !>>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyINtNtCslNYArtu3iFV_5alloc5boxed3BoxDNtNtCsgEmfK2I1SDS_4core5error5ErrorEL_EEB2_', 'types::ty::<alloc::boxed::Box<dyn core::error::Error>>'],
  ['_RINvCs4u4lSCC4rDD_5types2tyINtNtNtNtCsjrHSEGnQ3l9_3std11collections4hash3map7HashMapNtNtCslNYArtu3iFV_5alloc6string6StringINtNtB1o_3vec3VecINtNtCsgEmfK2I1SDS_4core6option6OptionINtNtB1o_5boxed3BoxShEEEEEB2_', 'types::ty::<std::collections::hash::map::HashMap<alloc::string::String, alloc::vec::Vec<core::option::Option<alloc::boxed::Box<[u8]>>>>>'],
  ['_RNvMCs4u4lSCC4rDD_5typesINtB2_7WrapperShE4peekB2_', '<types::Wrapper<[u8]>>::peek'],
  ['_RNvMCs4u4lSCC4rDD_5typesINtB2_7WrappereE4peekB2_', '<types::Wrapper<str>>::peek'],
  ['_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeINtNtCslNYArtu3iFV_5alloc5boxed3BoxDINtNtNtB4_3ops8function2FnThEEp6OutputhNtNtB4_6marker4SendEL_EECs2ndz2m94zur_4demo', 'core::ptr::drop_in_place::<alloc::boxed::Box<dyn core::ops::function::Fn<(u8,), Output = u8> + core::marker::Send>>'],
  ['_RINvXs0_NtNtNtCsgEmfK2I1SDS_4core4iter8adapters3mapINtB6_3MapINtNtNtBc_5slice4iter4IterhENCNvMs_Cs2ndz2m94zur_4demoINtB1w_3BufKj4_E3sum0ENtNtNtBa_6traits8iterator8Iterator4foldyNCINvXsC_NtB2f_5accumyNtB2Y_3Sum3sumBN_E0EB1w_', '<core::iter::adapters::map::Map<core::slice::iter::Iter<u8>, <demo::Buf<4>>::sum::{closure#0}> as core::iter::traits::iterator::Iterator>::fold::<u64, <u64 as core::iter::traits::accum::Sum>::sum<core::iter::adapters::map::Map<core::slice::iter::Iter<u8>, <demo::Buf<4>>::sum::{closure#0}>>::{closure#0}>'],
  ['_RNSNvYNCINvNtCsjrHSEGnQ3l9_3std2rt10lang_startuE0INtNtNtCsgEmfK2I1SDS_4core3ops8function6FnOnceuE9call_once6vtableCs2ndz2m94zur_4demo', '<std::rt::lang_start<()>::{closure#0} as core::ops::function::FnOnce<()>>::call_once::{shim:vtable#0}'],
  ['_RINvNtCs6AiuYGWa2VK_6ruzstd5frame17read_frame_headerQRShEB4_', 'ruzstd::frame::read_frame_header::<&mut &[u8]>'],
  ['_RINvNtNtCsjrHSEGnQ3l9_3std3sys9backtrace26___rust_end_short_backtraceNCNvNtB6_5alloc8rust_oom0zEB6_', 'std::sys::backtrace::__rust_end_short_backtrace::<std::alloc::rust_oom::{closure#0}, !>'],
  ['_RNvMs_Cs5LVoIjxUK3n_13rustc_privacyINtB4_20DefIdVisitorSkeletonINtB4_7FindMinNtNtCsjxQzBqb8aDj_12rustc_middle2ty10VisibilityKb0_EE11visit_traitB4_', '<rustc_privacy::DefIdVisitorSkeleton<rustc_privacy::FindMin<rustc_middle::ty::Visibility, false>>>::visit_trait'],
];

// More rustc 1.95 v0 symbols (adt_const_params, Unicode idents); display =
// what std's own backtrace printed for them (std demangles with rustc-demangle).
const V0_RUSTC_1_95_BACKTRACE: readonly Vector[] = [
  ['_RNvMCs37aybkcCW4V_2btINtB2_3TagKRe686920227468657265220a_E1sB2_', '<bt::Tag<"hi \\"there\\"\\n">>::s'],
  ['_RNvMCs37aybkcCW4V_2btINtB2_3TagKRe68c3a96c6c6f_E1sB2_', '<bt::Tag<"héllo">>::s'],
  ['_RNvMs_Cs37aybkcCW4V_2btINtB4_3CfgKVNtNtB4_4Mode4FastUE1mB4_', '<bt::Cfg<{bt::Mode::Fast}>>::m'],
  ['_RNvMs_Cs37aybkcCW4V_2btINtB4_3CfgKVNtNtB4_4Mode4SlowTh3_EE1mB4_', '<bt::Cfg<{bt::Mode::Slow(3)}>>::m'],
  [
    '_RNvMs_Cs37aybkcCW4V_2btINtB4_3CfgKVNtNtB4_4Mode6CustomS5levelt9_2onb1_EE1mB4_',
    '<bt::Cfg<{bt::Mode::Custom { level: 9, on: true }}>>::m',
  ],
  ['_RNvMs0_Cs37aybkcCW4V_2btINtB5_3ArrKAh1_h2_h3_EE1aB5_', '<bt::Arr<{[1, 2, 3]}>>::a'],
  ['_RNvMs1_Cs37aybkcCW4V_2btINtB5_3TupKTh7_b0_EE1tB5_', '<bt::Tup<{(7, false)}>>::t'],
  // llvm-cxxfilt prints '\u{df}'; rustc-demangle keeps printable characters.
  ['_RNvMs2_Cs37aybkcCW4V_2btINtB5_3UniKcdf_E1cB5_', "<bt::Uni<'ß'>>::c"],
  ['_RNvNtCs37aybkcCW4V_2btu9gre_6ka8iu7mae_6ka', 'bt::größe::maße'],
];

// llvm-profdata 22 `show --all-functions` record names of the demo programs.
const PROFILE_NAMES = {
  legacyInternal: 'demo.1ba8404ce28d149d-cgu.2;_ZN4demo12Buf$LT$_$GT$3sum17h51556973c8429251E',
  legacyExternal: '_ZN4demo4main17h38e95565b6f46d0eE',
  v0Internal: 'demo.1ba8404ce28d149d-cgu.2;_RNvMs_Cs2ndz2m94zur_4demoINtB4_3BufKj4_E3sumB4_',
  v0External:
    '_RNvXsa_NtCslNYArtu3iFV_5alloc3vecINtB5_3VechENtNtCsgEmfK2I1SDS_4core5clone5Clone5cloneCs2ndz2m94zur_4demo',
};

describe('demangle', () => {
  describe('legacy (_ZN...E) — rustc-demangle vectors', () => {
    for (const [mangled, display] of LEGACY_RUSTC_DEMANGLE_WITH_HASH) {
      it(`with hash: ${display}`, () => {
        assert.equal(demangleLegacy(mangled, true)?.display, display);
      });
    }
    for (const [mangled, display] of LEGACY_RUSTC_DEMANGLE_NO_HASH) {
      it(`without hash: ${display}`, () => {
        assert.equal(demangleLegacy(mangled)?.display, display);
      });
    }
    it('rejects what rustc-demangle rejects', () => {
      for (const symbol of ['test', '_ZN4test', '_ZNfooE', '_ZN3fooE.llvm moocow', '_ZN2222222222222222222222EE']) {
        assert.equal(demangleLegacy(symbol), undefined, symbol);
      }
    });
  });

  describe('legacy (_ZN...E) — rustc 1.95 symbols', () => {
    for (const [mangled, display, hash] of LEGACY_RUSTC_1_95) {
      it(display, () => {
        assert.deepEqual(demangle(mangled), { display, kind: 'rust-legacy', hash });
      });
    }
    it('keeps the hash on request', () => {
      assert.deepEqual(demangle('_ZN4demo4main17h38e95565b6f46d0eE', { keepHash: true }), {
        display: 'demo::main::h38e95565b6f46d0e',
        kind: 'rust-legacy',
        hash: '38e95565b6f46d0e',
      });
    });
    it('accepts the macOS `__ZN` prefix', () => {
      assert.deepEqual(demangle('__ZN4demo4main17h38e95565b6f46d0eE'), {
        display: 'demo::main',
        kind: 'rust-legacy',
        hash: '38e95565b6f46d0e',
      });
    });
    it('drops ThinLTO `.llvm.<id>` suffixes, hex or decimal', () => {
      assert.equal(demangle('_ZN9backtrace3foo17hbb467fcdaea5d79bE.llvm.A5310EB9').display, 'backtrace::foo');
      assert.equal(demangle('_ZN4demo4main17h38e95565b6f46d0eE.llvm.2019523300521544626').display, 'demo::main');
      assert.equal(demangle('_ZN4demo4main17h38e95565b6f46d0eE.llvm.9D1C9369@@16').display, 'demo::main');
    });
    it('keeps other suffixes such as `.cold`', () => {
      assert.equal(demangle('_ZN4demo4main17h38e95565b6f46d0eE.cold').display, 'demo::main.cold');
      assert.equal(demangle('_ZN4demo4main17h38e95565b6f46d0eE.llvm.123.cold').display, 'demo::main.cold');
    });
    it('leaves hashless `_ZN...E` without Rust escapes to C++ (rustc always hashes)', () => {
      assert.deepEqual(demangle('_ZN12_GLOBAL__N_18c_localeE'), { display: '_ZN12_GLOBAL__N_18c_localeE', kind: 'cxx' });
      assert.deepEqual(demangle('_ZN4testE'), { display: '_ZN4testE', kind: 'cxx' });
      assert.deepEqual(demangle('_ZN8$RF$testE'), { display: '&test', kind: 'rust-legacy' });
    });
  });

  describe('v0 (_R...) — rustc-demangle vectors', () => {
    for (const [mangled, display] of V0_RUSTC_DEMANGLE) {
      it(display, () => {
        assert.deepEqual(demangle(mangled), { display, kind: 'rust-v0' });
      });
    }
    for (const [constant, display] of V0_RUSTC_DEMANGLE_CONSTS) {
      it(`const ${display}`, () => {
        assert.equal(demangle(`_RIC0K${constant}E`).display, `::<${display}>`);
      });
    }
    for (const [constant, display] of V0_RUSTC_DEMANGLE_SUFFIXED_CONSTS) {
      it(`const with type suffix (keepHash) ${display}`, () => {
        assert.equal(demangle(`_RIC0K${constant}E`, { keepHash: true }).display, `::<${display}>`);
      });
    }
    it('survives exponential backref explosion (2^6 copies)', () => {
      const pairs = (depth: number): string => (depth === 0 ? '_' : `(${pairs(depth - 1)}, ${pairs(depth - 1)})`);
      assert.equal(demangle('_RMC0TTTTTTpB8_EB7_EB6_EB5_EB4_EB3_E').display, `<${pairs(6)}>`);
    });
    it('does not leak recursion depth over long argument lists', () => {
      for (const [leaf, shown] of [['p', '_'], ['Rp', '&_'], ['C1x', 'x']] as const) {
        const mangled = `_RIC0p${leaf.repeat(1000)}E`;
        assert.equal(demangle(mangled).display, `::<_${`, ${shown}`.repeat(1000)}>`);
      }
    });
    it('treats self-referencing backrefs and deep nesting as invalid', () => {
      // rustc-demangle's recursion_limit_backref_free_bypass: a crate name of
      // 100000 `R`s, then a backref into it (100000 nested `&` types).
      const depth = 100_000;
      const deep = `_RIC${depth}${'R'.repeat(depth)}B7_E`;
      for (const symbol of ['_RNvB_1a', '_RMC0RB2_', deep, '_RMC0FGZZZ_Eu']) {
        assert.deepEqual(demangle(symbol), { display: symbol, kind: 'unknown' });
      }
    });
  });

  describe('v0 (_R...) — rustc 1.95 symbols', () => {
    for (const [mangled, display] of [...V0_RUSTC_1_95, ...V0_RUSTC_1_95_BACKTRACE]) {
      it(display, () => {
        assert.deepEqual(demangle(mangled), { display, kind: 'rust-v0' });
      });
    }
    it('hides crate disambiguators unless keepHash', () => {
      const mangled = '_RINvCs2ndz2m94zur_4demo5applyNCNvB2_4main0EB2_';
      assert.equal(demangle(mangled).display, 'demo::apply::<demo::main::{closure#0}>');
      // binutils `nm -C` output for the same symbol:
      assert.equal(
        demangle(mangled, { keepHash: true }).display,
        'demo[1ba8404ce28d149d]::apply::<demo[1ba8404ce28d149d]::main::{closure#0}>',
      );
      assert.equal(demangle(mangled).hash, undefined);
    });
    it('accepts the macOS `__R` prefix and drops `.llvm.` suffixes', () => {
      assert.equal(demangle('__RNvCs2ndz2m94zur_4demo4main').display, 'demo::main');
      assert.equal(demangle('_RNvCsbyvwVjlSt48_3log6LOGGER.0.llvm.2264090509144528205').display, 'log::LOGGER.0');
      assert.equal(
        demangle('_RNvNtNtNtCsjrHSEGnQ3l9_3std3sys2fs4unix8readlink.llvm.3643936799275306673.cold').display,
        'std::sys::fs::unix::readlink.cold',
      );
    });
    it('demangles through demangleV0 directly', () => {
      assert.equal(demangleV0('_RNvCs2ndz2m94zur_4demo4main'), 'demo::main');
      assert.equal(demangleV0('_ZN4demo4main17h38e95565b6f46d0eE'), undefined);
    });
  });

  describe('non-Rust and malformed names', () => {
    it('returns C++ names raw as cxx', () => {
      for (const symbol of ['_ZN10__cxxabiv111__terminateEPFvvE', '_Z3fooi', '__Z3fooi', '_ZNSt6vectorIiSaIiEE9push_backERKi']) {
        assert.deepEqual(demangle(symbol), { display: symbol, kind: 'cxx' });
      }
    });
    it('returns other names raw as unknown', () => {
      for (const symbol of ['main', 'memcpy', '', 'R', '_R', '_RX', '_R1C3foo', 'RNvC3foo3bar', '__rust_alloc', 'foo;bar']) {
        assert.deepEqual(demangle(symbol), { display: symbol, kind: 'unknown' });
      }
    });
    it('returns malformed v0 symbols raw as unknown', () => {
      for (const symbol of [
        '_RNvC', // truncated identifier
        '_RNvCs2ndz2m94zur_4demo', // missing identifier after namespace
        '_RINvC3foo3bar', // generic args without E
        '_RNvC3foo3bar moocow', // suffix that is not a symbol suffix
        '_RNvC3foo3barä', // non-ASCII
        '_RNvB9_3foo', // forward backref
        '_RIC0Kb2_E', // bool other than 0/1
        '_RIC0Kcd800_E', // surrogate char
        '_RIC0Ke0_E', // odd number of hex digits in a str
        '_RIC0Keff_E', // invalid UTF-8 in a str
        '_RNvCszzzzzzzzzzzzzz_3foo3bar', // disambiguator beyond u64
      ]) {
        assert.deepEqual(demangle(symbol), { display: symbol, kind: 'unknown' }, symbol);
      }
    });
    it('returns malformed legacy symbols raw (as cxx: `_Z` names may be C++)', () => {
      for (const symbol of ['_ZN4test', '_ZNfooE', '_ZN3fooE.llvm moocow', '_ZN2222222222222222222222EE', '_ZN5*70527e27.ll34csaғE']) {
        assert.deepEqual(demangle(symbol), { display: symbol, kind: 'cxx' }, symbol);
      }
    });
    it('never throws, whatever the input', () => {
      // Deterministic mutations of valid symbols: flips, drops, insertions, cuts.
      const seeds = [...V0_RUSTC_1_95.map(([m]) => m), ...LEGACY_RUSTC_1_95.map(([m]) => m)];
      const alphabet = '_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$.;<>ä';
      let state = 0x2545f491;
      const random = (limit: number): number => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state % limit;
      };
      for (let round = 0; round < 5000; round++) {
        let symbol = seeds[random(seeds.length)] ?? '';
        for (let edit = 0; edit <= random(3); edit++) {
          const at = random(symbol.length + 1);
          const c = alphabet[random(alphabet.length)] ?? '';
          const op = random(4);
          if (op === 0) symbol = symbol.slice(0, at) + c + symbol.slice(at + 1);
          else if (op === 1) symbol = symbol.slice(0, at) + symbol.slice(at + 1);
          else if (op === 2) symbol = symbol.slice(0, at) + c + symbol.slice(at);
          else symbol = symbol.slice(0, at);
        }
        const result = demangle(symbol);
        assert.ok(['rust-legacy', 'rust-v0', 'cxx', 'unknown'].includes(result.kind));
        if (result.kind === 'cxx' || result.kind === 'unknown') assert.equal(result.display, symbol);
      }
    });
    it('tolerates non-string input from untyped callers', () => {
      assert.deepEqual(demangle(undefined as unknown as string), { display: 'undefined', kind: 'unknown' });
    });
  });

  describe('punycode (RFC 3492 §7.1 samples)', () => {
    const samples: readonly Vector[] = [
      ['egbpdaj6bu4bxfgehfvwxn', 'ليهمابتكلموشعربي؟'],
      ['ihqwcrb4cv8a8dqg056pqjye', '他们为什么不说中文'],
      ['3B-ww4c5e180e575a65lsy2b', '3年B組金八先生'],
      ['-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n', '安室奈美恵-with-SUPER-MONKEYS'],
      ['d9juau41awczczp', 'そのスピードで'],
      ['-> $1.00 <--', '-> $1.00 <-'],
      ['bcher-kva', 'bücher'],
    ];
    for (const [encoded, decoded] of samples) {
      it(decoded, () => {
        assert.equal(decodePunycode(encoded), decoded);
      });
    }
    it('rejects malformed input', () => {
      // Empty, a bad digit, a code point past U+10FFFF, a non-ASCII basic part.
      for (const encoded of ['', 'a-!', 'zzzzzzzzzzzzzzzzzzzzz', 'ä-abc']) {
        assert.equal(decodePunycode(encoded), undefined, encoded);
      }
    });
    it('shows v0 identifiers it cannot decode in encoded form, like rustc-demangle', () => {
      assert.equal(demangle('_RNvC3foou3a_9').display, 'foo::punycode{a-9}');
    });
  });
});

describe('genericKey', () => {
  it('groups trait-impl monomorphizations, keeping `<T as Trait>`', () => {
    const key = genericKey('<pipeline::Foo<u8> as core::fmt::Debug>::fmt');
    assert.equal(key, '<pipeline::Foo as core::fmt::Debug>::fmt');
    assert.equal(genericKey('<pipeline::Foo<u32> as core::fmt::Debug>::fmt'), key);
    // The legacy spelling of the same impl lands in the same group.
    assert.equal(genericKey('<pipeline::Foo<T> as core::fmt::Debug>::fmt'), key);
  });
  it('strips generic lists after a segment and turbofish lists', () => {
    const key = genericKey('core::ptr::drop_in_place<alloc::vec::Vec<u8>>');
    assert.equal(key, 'core::ptr::drop_in_place');
    assert.equal(genericKey('core::ptr::drop_in_place<pipeline::X>'), key);
    assert.equal(genericKey('core::ptr::drop_in_place::<alloc::vec::Vec<u8>>'), key);
  });
  it('groups the demangled names of real monomorphizations', () => {
    const names = (...mangled: string[]): Set<string> => new Set(mangled.map((m) => genericKey(demangle(m).display)));
    assert.deepEqual(
      names(
        '_RNvXCs2ndz2m94zur_4demoINtB2_3FoohENtNtCsgEmfK2I1SDS_4core3fmt5Debug3fmtB2_',
        '_RNvXCs2ndz2m94zur_4demoINtB2_3FoomENtNtCsgEmfK2I1SDS_4core3fmt5Debug3fmtB2_',
        '_ZN55_$LT$demo..Foo$LT$T$GT$$u20$as$u20$core..fmt..Debug$GT$3fmt17h0fbd3c516ada3eafE',
      ),
      new Set(['<demo::Foo as core::fmt::Debug>::fmt']),
    );
    assert.deepEqual(
      names(
        '_RINvCs2ndz2m94zur_4demo5applyNCNvB2_4main0EB2_',
        '_RINvCs2ndz2m94zur_4demo5applyNCNvB2_4mains_0EB2_',
        '_ZN4demo5apply17h66f205f144040d1fE',
      ),
      new Set(['demo::apply']),
    );
    // Inherent impls: v0 `<demo::Buf<4>>::sum` and legacy `demo::Buf<_>::sum`.
    assert.deepEqual(
      names('_RNvMs_Cs2ndz2m94zur_4demoINtB4_3BufKj4_E3sumB4_', '_ZN4demo12Buf$LT$_$GT$3sum17h51556973c8429251E'),
      new Set(['demo::Buf::sum']),
    );
  });
  it('keeps closures apart and their parents generic-free', () => {
    assert.equal(genericKey('<demo::Buf<4>>::sum::{closure#0}'), 'demo::Buf::sum::{closure#0}');
    assert.notEqual(genericKey('demo::main::{closure#0}'), genericKey('demo::main::{closure#1}'));
    assert.equal(
      genericKey('<std::rt::lang_start<()>::{closure#0} as core::ops::function::FnOnce<()>>::call_once::{shim:vtable#0}'),
      '<std::rt::lang_start::{closure#0} as core::ops::function::FnOnce>::call_once::{shim:vtable#0}',
    );
  });
  it('keeps legacy `<impl ...>` segments and qualified self types', () => {
    assert.equal(genericKey('core::slice::<impl [T]>::iter'), 'core::slice::<impl [T]>::iter');
    assert.equal(
      genericKey('<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop'),
      '<alloc::vec::Vec as core::ops::drop::Drop>::drop',
    );
    assert.equal(genericKey('<&alloc::vec::Vec<u8> as core::fmt::Debug>::fmt'), '<&alloc::vec::Vec as core::fmt::Debug>::fmt');
    assert.equal(genericKey('<[u8]>::iter'), '<[u8]>::iter');
  });
  it('is not fooled by `->`, binders or literals containing angle brackets', () => {
    assert.equal(genericKey("types::ty::<for<'a> fn(&'a u8) -> &'a u8>"), 'types::ty');
    assert.equal(genericKey("<for<'a> fn(&'a u8) -> u8 as core::fmt::Debug>::fmt"), "<fn(&'a u8) -> u8 as core::fmt::Debug>::fmt");
    assert.equal(genericKey('<bt::Tag<"a>b">>::s'), 'bt::Tag::s');
    assert.equal(genericKey("<bt::Uni<'>'>>::c"), 'bt::Uni::c');
  });
  it('leaves names without generics and unbalanced names alone', () => {
    for (const name of ['demo::outer::inner::deep', 'main', '_ZN4testE', 'a::b<unbalanced']) {
      assert.equal(genericKey(name), name);
    }
  });
});

describe('splitProfileName', () => {
  it('splits internal-linkage records at the `;`', () => {
    assert.deepEqual(splitProfileName('pgodemo.d79d5bf3ec17ef23-cgu.0;_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE'), {
      cgu: 'pgodemo.d79d5bf3ec17ef23-cgu.0',
      mangled: '_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE',
    });
    assert.deepEqual(splitProfileName(PROFILE_NAMES.v0Internal), {
      cgu: 'demo.1ba8404ce28d149d-cgu.2',
      mangled: '_RNvMs_Cs2ndz2m94zur_4demoINtB4_3BufKj4_E3sumB4_',
    });
  });
  it('returns names without `;` whole', () => {
    assert.deepEqual(splitProfileName(PROFILE_NAMES.legacyExternal), { mangled: PROFILE_NAMES.legacyExternal });
    assert.deepEqual(splitProfileName(PROFILE_NAMES.v0External), { mangled: PROFILE_NAMES.v0External });
    assert.deepEqual(splitProfileName(''), { mangled: '' });
  });
  it('splits at the last `;` (file paths may contain one)', () => {
    assert.deepEqual(splitProfileName('src/we;ird.c;helper'), { cgu: 'src/we;ird.c', mangled: 'helper' });
    assert.deepEqual(splitProfileName(';_ZN4demo4main17h38e95565b6f46d0eE'), { mangled: '_ZN4demo4main17h38e95565b6f46d0eE' });
  });
  it('feeds demangle', () => {
    assert.equal(demangle(splitProfileName(PROFILE_NAMES.legacyInternal).mangled).display, 'demo::Buf<_>::sum');
    assert.equal(demangle(splitProfileName(PROFILE_NAMES.v0Internal).mangled).display, '<demo::Buf<4>>::sum');
    assert.equal(
      demangle(splitProfileName(PROFILE_NAMES.v0External).mangled).display,
      '<alloc::vec::Vec<u8> as core::clone::Clone>::clone',
    );
  });
});

describe('crateOf', () => {
  const cases: readonly (readonly [string, string | undefined])[] = [
    ['pgodemo::Parser::parse', 'pgodemo'],
    ['<a::B as c::D>::f', 'a'],
    ['<pipeline::Foo<u8> as core::fmt::Debug>::fmt', 'pipeline'],
    ['pipeline::main::{closure#0}', 'pipeline'],
    ['pipeline::main::{{closure}}', 'pipeline'],
    ['demo::apply::<demo::main::{closure#0}>', 'demo'],
    ['<demo::main::{closure#2} as core::ops::function::FnOnce<(u8,)>>::call_once::{shim:vtable#0}', 'demo'],
    ['<std::rt::lang_start<()>::{closure#0} as core::ops::function::FnOnce<()>>::call_once::{shim:vtable#0}', 'std'],
    ['<demo::Buf<4>>::sum', 'demo'],
    ["<&'a mut pipeline::X as c::D>::f", 'pipeline'],
    ['<dyn core::any::Any + core::marker::Send as core::fmt::Debug>::fmt', 'core'],
    ['<<a::B as c::D>::E as f::G>::h', 'a'],
    // Built-in self types name no crate: the trait's crate is the best guess.
    ['<u8 as core::fmt::Debug>::fmt', 'core'],
    ['<[u8] as pipeline::Checksum>::sum', 'pipeline'],
    ['<T as c::D>::e', 'c'],
    ['core::slice::<impl [T]>::iter', 'core'],
    ['bt::größe::maße', 'bt'],
    ['<[u8]>::iter', undefined],
    ['main', undefined],
    ['_ZN3fooE', undefined],
    ['', undefined],
    ['<unbalanced', undefined],
  ];
  for (const [display, crate] of cases) {
    it(`${display || '(empty)'} → ${crate ?? 'undefined'}`, () => {
      assert.equal(crateOf(display), crate);
    });
  }
});
