//! Musical data: tempo map, track/instrument definitions, notes, and a seeded
//! generator for a small multi-track song (lead, bass, pad chords, arpeggio,
//! drums, strings).

use crate::rng::SplitMix64;

/// Ticks per quarter note used by generated sequences.
pub const PPQ: u32 = 480;

/// Converts musical time (ticks) to sample frames. Pure integer arithmetic, so
/// the schedule is exact and identical in every build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TempoMap {
    ppq: u32,
    sample_rate: u32,
    segments: Vec<TempoSegment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TempoSegment {
    tick: u64,
    /// Frame position of `tick`, accumulated over earlier segments.
    frame: u64,
    us_per_quarter: u32,
}

impl TempoMap {
    pub fn new(ppq: u32, sample_rate: u32, bpm: u32) -> Self {
        TempoMap {
            ppq,
            sample_rate,
            segments: vec![TempoSegment { tick: 0, frame: 0, us_per_quarter: bpm_to_us(bpm) }],
        }
    }

    /// Change tempo at `tick`. Changes must be added in increasing tick order;
    /// a change at the same tick as the previous one replaces it.
    pub fn set_tempo(&mut self, tick: u64, bpm: u32) {
        let us_per_quarter = bpm_to_us(bpm);
        let last = *self.segments.last().expect("tempo map always has a first segment");
        assert!(tick >= last.tick, "tempo changes must be added in order");
        if tick == last.tick {
            self.segments.last_mut().expect("non-empty").us_per_quarter = us_per_quarter;
        } else {
            let frame = self.tick_to_frame(tick);
            self.segments.push(TempoSegment { tick, frame, us_per_quarter });
        }
    }

    pub fn tick_to_frame(&self, tick: u64) -> u64 {
        let i = self.segments.partition_point(|s| s.tick <= tick).max(1) - 1;
        let s = &self.segments[i];
        // frames = ticks * (µs per tick) * (frames per µs); u128 keeps the product exact.
        let num = u128::from(tick - s.tick) * u128::from(s.us_per_quarter) * u128::from(self.sample_rate);
        let den = u128::from(self.ppq) * 1_000_000;
        s.frame + (num / den) as u64
    }

    pub fn ppq(&self) -> u32 {
        self.ppq
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

fn bpm_to_us(bpm: u32) -> u32 {
    60_000_000 / bpm.max(1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waveform {
    Sine,
    Saw,
    Square,
    Triangle,
    Noise,
}

/// Attack/decay/release in seconds, sustain as a level in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adsr {
    pub attack: f32,
    pub decay: f32,
    pub sustain: f32,
    pub release: f32,
}

/// Subtractive voice: `unison` detuned oscillators into a resonant low-pass
/// filter whose cutoff follows the amplitude envelope.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tone {
    pub waveform: Waveform,
    pub unison: u8,
    pub detune_cents: f32,
    pub cutoff_hz: f32,
    /// Extra cutoff at full envelope level ("filter envelope amount").
    pub filter_env_hz: f32,
    /// 0 = gentle, towards 1 = ringing.
    pub resonance: f32,
    /// Depth of the 5.5 Hz pitch LFO.
    pub vibrato_cents: f32,
    pub adsr: Adsr,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Patch {
    Tone(Tone),
    /// A drum kit; the note's key picks the sound (GM numbering).
    Drums,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrackSpec {
    pub name: &'static str,
    pub patch: Patch,
    pub gain: f32,
    /// -1 = hard left, 0 = centre, 1 = hard right.
    pub pan: f32,
    /// Level sent to the shared reverb.
    pub reverb_send: f32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
    pub track: u8,
    pub start_tick: u64,
    pub length_ticks: u64,
    pub key: u8,
    pub velocity: u8,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    pub tempo: TempoMap,
    pub tracks: Vec<TrackSpec>,
    pub notes: Vec<Note>,
}

pub const KICK: u8 = 36;
pub const SNARE: u8 = 38;
pub const CLOSED_HAT: u8 = 42;
pub const OPEN_HAT: u8 = 46;

const MAJOR: [u8; 7] = [0, 2, 4, 5, 7, 9, 11];
const MINOR: [u8; 7] = [0, 2, 3, 5, 7, 8, 10];
const PROGRESSIONS: [[i32; 4]; 4] = [[0, 5, 3, 4], [0, 3, 4, 4], [0, 4, 5, 3], [5, 3, 0, 4]];

/// Build a song long enough to cover `seconds` of audio.
pub fn generate(seed: u64, seconds: u32, sample_rate: u32) -> Sequence {
    let mut rng = SplitMix64::new(seed);
    let bpm = rng.range(92, 148);
    let mut tempo = TempoMap::new(PPQ, sample_rate, bpm);
    let tonic = rng.below(12) as i32;
    let scale = if rng.chance(50) { &MAJOR } else { &MINOR };
    let progression = *rng.pick(&PROGRESSIONS);
    let key = |degree: i32, octave: i32| -> u8 {
        let oct = octave + degree.div_euclid(7);
        (12 * oct + tonic + i32::from(scale[degree.rem_euclid(7) as usize])).clamp(0, 127) as u8
    };

    let lead_wave = *rng.pick(&[Waveform::Saw, Waveform::Square, Waveform::Triangle]);
    let tracks = vec![
        TrackSpec {
            name: "lead",
            patch: Patch::Tone(Tone {
                waveform: lead_wave,
                unison: 3,
                detune_cents: 8.0,
                cutoff_hz: 1_200.0 + rng.below(800) as f32,
                filter_env_hz: 3_000.0,
                resonance: 0.35,
                vibrato_cents: 12.0,
                adsr: Adsr { attack: 0.006, decay: 0.18, sustain: 0.6, release: 0.15 },
            }),
            gain: 0.30,
            pan: 0.2,
            reverb_send: 0.25,
        },
        TrackSpec {
            name: "bass",
            patch: Patch::Tone(Tone {
                waveform: *rng.pick(&[Waveform::Saw, Waveform::Triangle, Waveform::Square]),
                unison: 1,
                detune_cents: 0.0,
                cutoff_hz: 300.0 + rng.below(300) as f32,
                filter_env_hz: 900.0,
                resonance: 0.5,
                vibrato_cents: 0.0,
                adsr: Adsr { attack: 0.003, decay: 0.12, sustain: 0.75, release: 0.06 },
            }),
            gain: 0.45,
            pan: 0.0,
            reverb_send: 0.0,
        },
        TrackSpec {
            name: "pad",
            patch: Patch::Tone(Tone {
                waveform: Waveform::Saw,
                unison: 7,
                detune_cents: 14.0,
                cutoff_hz: 900.0 + rng.below(600) as f32,
                filter_env_hz: 1_200.0,
                resonance: 0.2,
                vibrato_cents: 4.0,
                adsr: Adsr { attack: 0.25, decay: 0.6, sustain: 0.7, release: 0.8 },
            }),
            gain: 0.16,
            pan: -0.35,
            reverb_send: 0.4,
        },
        TrackSpec {
            name: "arp",
            patch: Patch::Tone(Tone {
                waveform: *rng.pick(&[Waveform::Square, Waveform::Sine]),
                unison: 1,
                detune_cents: 0.0,
                cutoff_hz: 1_500.0,
                filter_env_hz: 4_000.0,
                resonance: 0.1,
                vibrato_cents: 0.0,
                adsr: Adsr { attack: 0.002, decay: 0.14, sustain: 0.0, release: 0.05 },
            }),
            gain: 0.18,
            pan: 0.5,
            reverb_send: 0.3,
        },
        TrackSpec { name: "drums", patch: Patch::Drums, gain: 0.55, pan: -0.05, reverb_send: 0.08 },
        TrackSpec {
            name: "strings",
            patch: Patch::Tone(Tone {
                waveform: *rng.pick(&[Waveform::Saw, Waveform::Triangle]),
                unison: 7,
                detune_cents: 10.0,
                cutoff_hz: 1_400.0,
                filter_env_hz: 800.0,
                resonance: 0.25,
                vibrato_cents: 6.0,
                adsr: Adsr { attack: 0.4, decay: 0.5, sustain: 0.8, release: 1.0 },
            }),
            gain: 0.12,
            pan: 0.4,
            reverb_send: 0.45,
        },
    ];

    let beat = u64::from(PPQ);
    let bar = 4 * beat;
    let mut notes = Vec::new();
    let target_frame = u64::from(seconds) * u64::from(sample_rate);
    let mut degree = 7;
    let mut b: u64 = 0;
    // Keep writing bars until the song covers the requested length; a
    // tempo push at bar 8 exercises the multi-segment tempo map.
    while tempo.tick_to_frame(b * bar) < target_frame {
        if b == 8 {
            tempo.set_tempo(b * bar, bpm + 6);
        }
        let start = b * bar;
        let root = progression[(b % 4) as usize];
        let chord = [root, root + 2, root + 4, root + 6, root + 8];

        // Pad: five-note add9 chords, held for the bar (long release overlaps the next).
        for &d in &chord {
            notes.push(Note {
                track: 2,
                start_tick: start,
                length_ticks: bar - beat / 8,
                key: key(d, 4),
                velocity: 80,
            });
        }
        // Strings: two-note voicings above the pad, changing every half bar.
        for half in 0..2u64 {
            for &d in &chord[1 + half as usize..3 + half as usize] {
                let key = key(d + 7, 4);
                notes.push(Note {
                    track: 5,
                    start_tick: start + half * 2 * beat,
                    length_ticks: 2 * beat,
                    key,
                    velocity: 70,
                });
            }
        }
        // Bass: eighth-note pulse on the root, octave jump on the "and" of 4.
        for i in 0..8 {
            let d = if i == 7 { root + 7 } else { root };
            let velocity = if i % 2 == 0 { 110 } else { 85 };
            notes.push(Note {
                track: 1,
                start_tick: start + i * beat / 2,
                length_ticks: beat * 2 / 5,
                key: key(d, 3),
                velocity,
            });
        }
        // Arpeggio: sixteenths through the chord, two octaves.
        for i in 0..16u64 {
            let d = chord[(i % 4) as usize] + if (i / 4) % 2 == 1 { 7 } else { 0 };
            let velocity = 60 + (rng.below(30) as u8);
            notes.push(Note {
                track: 3,
                start_tick: start + i * beat / 4,
                length_ticks: beat / 5,
                key: key(d, 5),
                velocity,
            });
        }
        // Lead: random walk on the scale in eighths, resting at phrase ends.
        let mut i = 0;
        while i < 8 {
            let len = if rng.chance(30) { 2 } else { 1 };
            // The second half of every fourth bar is a breath; otherwise an occasional rest.
            let resting = (b % 4 == 3 && i >= 4) || rng.chance(12);
            if !resting {
                degree = (degree + rng.range(0, 4) as i32 - 2).clamp(3, 13);
                let velocity = if i % 2 == 0 { 105 } else { 88 };
                notes.push(Note {
                    track: 0,
                    start_tick: start + i * beat / 2,
                    length_ticks: len * beat / 2 - beat / 16,
                    key: key(degree, 5),
                    velocity,
                });
            }
            i += len;
        }
        // Drums: four-on-the-floor-ish kick, back-beat snare, 16th hats with open hats.
        for i in 0..16u64 {
            let t = start + i * beat / 4;
            if i % 4 == 0 || (i == 10 && rng.chance(50)) {
                notes.push(Note { track: 4, start_tick: t, length_ticks: beat / 4, key: KICK, velocity: 120 });
            }
            if i == 4 || i == 12 || (b % 4 == 3 && i >= 13) {
                notes.push(Note { track: 4, start_tick: t, length_ticks: beat / 4, key: SNARE, velocity: 105 });
            }
            let hat = if i % 4 == 2 && rng.chance(25) { OPEN_HAT } else { CLOSED_HAT };
            let velocity = if i % 2 == 0 { 90 } else { 60 + rng.below(20) as u8 };
            notes.push(Note { track: 4, start_tick: t, length_ticks: beat / 8, key: hat, velocity });
        }
        b += 1;
    }
    Sequence { tempo, tracks, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_to_frame_conversion() {
        // 120 BPM, 480 ppq, 48 kHz: a quarter note is 0.5 s = 24 000 frames, 50 per tick.
        let mut map = TempoMap::new(480, 48_000, 120);
        assert_eq!(map.tick_to_frame(0), 0);
        assert_eq!(map.tick_to_frame(1), 50);
        assert_eq!(map.tick_to_frame(480), 24_000);
        assert_eq!(map.tick_to_frame(4 * 480), 96_000);
        // Switch to 150 BPM after one bar: 0.4 s per quarter.
        map.set_tempo(4 * 480, 150);
        assert_eq!(map.tick_to_frame(4 * 480), 96_000);
        assert_eq!(map.tick_to_frame(5 * 480), 96_000 + 19_200);
        // Before the change nothing moves.
        assert_eq!(map.tick_to_frame(480), 24_000);
        // Fractional frames round down: 100 BPM = 600 000 µs, 480 ppq, 44.1 kHz.
        let odd = TempoMap::new(480, 44_100, 100);
        assert_eq!(odd.tick_to_frame(1), 55); // 55.125
        assert_eq!(odd.tick_to_frame(8), 441);
    }

    #[test]
    fn generated_song_covers_requested_length() {
        let seq = generate(3, 10, 48_000);
        let end = seq.notes.iter().map(|n| seq.tempo.tick_to_frame(n.start_tick + n.length_ticks)).max().unwrap();
        assert!(end >= 9 * 48_000, "song ends at frame {end}");
        assert_eq!(seq.tracks.len(), 6);
        assert!(seq.notes.iter().all(|n| usize::from(n.track) < seq.tracks.len()));
        assert_eq!(generate(3, 10, 48_000), seq);
        assert_ne!(generate(4, 10, 48_000).notes, seq.notes);
    }
}
