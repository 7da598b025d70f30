//! A tiny deterministic DAW engine: a seeded multi-track sequence rendered by
//! a polyphonic subtractive synth and drum kit into stereo f32 blocks.
//!
//! * [`sequence`] — tempo map (tick → sample), tracks, notes, song generator.
//! * [`synth`] — oscillators, ADSR, filter, voices and the voice pool.
//! * [`mixer`] — gain/pan strips and the soft clipper.
//! * [`render`] — sample-accurate block renderer and [`render_song`].

pub mod mixer;
pub mod render;
pub mod rng;
pub mod sequence;
pub mod synth;

pub use render::{render_song, RenderSummary, Renderer, BLOCK_FRAMES};
pub use sequence::{generate, Sequence};

pub const SAMPLE_RATE: u32 = 48_000;

/// FNV-1a 64-bit hash, used to fingerprint the rendered audio.
#[derive(Clone, Debug)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv1a64 {
    pub fn new() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}
