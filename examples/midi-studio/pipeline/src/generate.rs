//! Deterministic "composer" that produces varied Standard MIDI Files in memory.
//!
//! The goal is realistic *shape* rather than great music: several tracks, a
//! chord progression in a random key, a melody walking over the scale, bass,
//! drums on channel 10, controller and pitch-bend gestures, sysex and the
//! usual conductor meta events. Everything is derived from a single seed.

use crate::rng::SplitMix64;
use crate::smf::{self, Division, Event, EventKind, Header, Meta, Smf, Track, DRUM_CHANNEL};

pub const MAJOR_SCALE: [u8; 7] = [0, 2, 4, 5, 7, 9, 11];
pub const MINOR_SCALE: [u8; 7] = [0, 2, 3, 5, 7, 8, 10];

/// Chord roots (as scale degrees) for one bar each; chosen per song.
const MAJOR_PROGRESSIONS: [[i32; 4]; 4] = [[0, 4, 5, 3], [0, 3, 4, 0], [0, 5, 3, 4], [1, 4, 0, 0]];
const MINOR_PROGRESSIONS: [[i32; 4]; 4] = [[0, 5, 2, 6], [0, 3, 4, 0], [0, 6, 5, 4], [0, 3, 6, 2]];

/// (numerator, log2 denominator) pairs; mostly 4/4 like real-world material.
const METERS: [(u8, u8); 8] = [(4, 2), (4, 2), (4, 2), (4, 2), (3, 2), (6, 3), (5, 2), (7, 3)];

/// Key-signature sharps for a major key on each pitch class (flats negative).
const MAJOR_KEY_SHARPS: [i8; 12] = [0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5];

// GM drum map notes used by the drum track.
const KICK: u8 = 36;
const SNARE: u8 = 38;
const CLOSED_HAT: u8 = 42;
const OPEN_HAT: u8 = 46;
const CRASH: u8 = 49;

/// Everything the composer decides up front. Public so tests can build
/// specific songs (e.g. a fixed tempo) without going through a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SongSpec {
    pub format: u16,
    pub ppq: u16,
    pub bpm: u32,
    pub tonic: u8,
    pub minor: bool,
    pub numerator: u8,
    pub denominator_pow2: u8,
    pub bars: u32,
    /// Melody subdivisions per beat (1 = quarter notes ... 4 = sixteenths).
    pub density: u32,
    pub drums: bool,
    pub tempo_changes: bool,
    pub sysex: bool,
    pub expressive: bool,
    pub running_status: bool,
    pub progression: [i32; 4],
}

impl SongSpec {
    pub fn random(rng: &mut SplitMix64) -> Self {
        let minor = rng.chance(40);
        let progression = if minor { *rng.pick(&MINOR_PROGRESSIONS) } else { *rng.pick(&MAJOR_PROGRESSIONS) };
        let (numerator, denominator_pow2) = *rng.pick(&METERS);
        SongSpec {
            format: if rng.chance(30) { 0 } else { 1 },
            ppq: *rng.pick(&[96, 120, 192, 240, 480, 960]),
            bpm: rng.range(66, 176),
            tonic: rng.below(12) as u8,
            minor,
            numerator,
            denominator_pow2,
            bars: rng.range(16, 60),
            density: rng.range(1, 4),
            drums: rng.chance(75),
            tempo_changes: rng.chance(30),
            sysex: rng.chance(50),
            expressive: rng.chance(50),
            running_status: rng.chance(85),
            progression,
        }
    }

    pub fn scale(&self) -> &'static [u8; 7] {
        if self.minor {
            &MINOR_SCALE
        } else {
            &MAJOR_SCALE
        }
    }

    /// Ticks in one beat as notated by the time signature's denominator.
    pub fn beat_ticks(&self) -> u32 {
        (u32::from(self.ppq) * 4) >> self.denominator_pow2
    }

    pub fn bar_ticks(&self) -> u32 {
        self.beat_ticks() * u32::from(self.numerator)
    }

    pub fn tempo_us(&self) -> u32 {
        60_000_000 / self.bpm
    }

    pub fn key_signature(&self) -> Meta {
        // A minor key shares its signature with the major key a minor third up.
        let major_pc = if self.minor { (self.tonic + 3) % 12 } else { self.tonic };
        Meta::KeySignature { sharps: MAJOR_KEY_SHARPS[usize::from(major_pc)], minor: self.minor }
    }

    /// MIDI key for a (possibly negative or > 6) scale degree; `octave` 4 starts at
    /// key 48 (C3), so middle C (60) is degree 0 of C in octave 5.
    fn degree_key(&self, degree: i32, octave: i32) -> u8 {
        let scale = self.scale();
        let oct = octave + degree.div_euclid(7);
        let step = i32::from(scale[degree.rem_euclid(7) as usize]);
        (12 * oct + i32::from(self.tonic) + step).clamp(0, 127) as u8
    }
}

/// Events of one track collected at absolute times; sorted and delta-encoded at the end.
struct TrackBuilder {
    events: Vec<(u32, u8, EventKind)>,
    /// Some sequencers write note-off as "note-on, velocity 0" to exploit running status.
    note_on_zero: bool,
}

impl TrackBuilder {
    fn new(note_on_zero: bool) -> Self {
        TrackBuilder { events: Vec::new(), note_on_zero }
    }

    // The second tuple field orders simultaneous events: meta first, then
    // note-offs (so a repeated note is released before it is struck again),
    // then controllers, then note-ons.
    fn meta(&mut self, tick: u32, meta: Meta) {
        self.events.push((tick, 0, EventKind::Meta(meta)));
    }

    fn sysex(&mut self, tick: u32, data: Vec<u8>) {
        self.events.push((tick, 1, EventKind::SysEx { escape: false, data }));
    }

    fn control(&mut self, tick: u32, kind: EventKind) {
        self.events.push((tick, 3, kind));
    }

    fn note(&mut self, channel: u8, key: u8, velocity: u8, start: u32, len: u32) {
        let velocity = velocity.clamp(1, 127);
        self.events.push((start, 4, EventKind::NoteOn { channel, key, velocity }));
        let off = if self.note_on_zero {
            EventKind::NoteOn { channel, key, velocity: 0 }
        } else {
            EventKind::NoteOff { channel, key, velocity: 64 }
        };
        self.events.push((start + len.max(1), 2, off));
    }

    fn append(&mut self, mut other: TrackBuilder) {
        self.events.append(&mut other.events);
    }

    fn finish(mut self) -> Track {
        // Stable sort keeps insertion order for identical (tick, priority).
        self.events.sort_by_key(|&(tick, prio, _)| (tick, prio));
        let end = self.events.last().map_or(0, |e| e.0);
        let mut last = 0;
        let mut events = Vec::with_capacity(self.events.len() + 1);
        for (tick, _, kind) in self.events {
            events.push(Event { delta: tick - last, kind });
            last = tick;
        }
        events.push(Event { delta: end - last, kind: EventKind::Meta(Meta::EndOfTrack) });
        Track { events }
    }
}

/// Build the song described by `spec`, using `rng` for the note-level choices.
pub fn compose(spec: &SongSpec, rng: &mut SplitMix64) -> Smf {
    let bar = spec.bar_ticks();
    let beat = spec.beat_ticks();

    let mut conductor = TrackBuilder::new(false);
    conductor.meta(
        0,
        Meta::TrackName(format!("Study in {} {}", note_name(spec.tonic), if spec.minor { "minor" } else { "major" })),
    );
    conductor.meta(0, Meta::Text { kind: 0x02, text: "(c) midi-studio example".to_string() });
    conductor.meta(
        0,
        Meta::TimeSignature {
            numerator: spec.numerator,
            denominator_pow2: spec.denominator_pow2,
            clocks_per_click: 24,
            thirty_seconds_per_quarter: 8,
        },
    );
    conductor.meta(0, spec.key_signature());
    conductor.meta(0, Meta::Tempo(spec.tempo_us()));
    for section in (0..spec.bars).step_by(8) {
        let label = ["A", "B", "A'", "C"][(section / 8 % 4) as usize];
        conductor.meta(section * bar, Meta::Text { kind: 0x06, text: label.to_string() });
    }
    if spec.tempo_changes {
        // A short ritardando over the last quarter of the song, then a slower coda.
        let start_bar = spec.bars * 3 / 4;
        for step in 1..=3u32 {
            let bpm = spec.bpm * (100 - 4 * step) / 100;
            conductor.meta((start_bar + step - 1) * bar, Meta::Tempo(60_000_000 / bpm.max(1)));
        }
    }

    let melody = compose_melody(spec, rng, bar, beat);
    let bass = compose_bass(spec, rng, bar, beat);
    let chords = compose_chords(spec, rng, bar, beat);
    let drums = spec.drums.then(|| compose_drums(spec, rng, bar, beat));

    let tracks = if spec.format == 0 {
        let mut all = conductor;
        all.append(melody);
        all.append(bass);
        all.append(chords);
        if let Some(d) = drums {
            all.append(d);
        }
        vec![all.finish()]
    } else {
        let mut t = vec![conductor.finish(), melody.finish(), bass.finish(), chords.finish()];
        if let Some(d) = drums {
            t.push(d.finish());
        }
        t
    };

    Smf {
        header: Header {
            format: spec.format,
            track_count: tracks.len() as u16,
            division: Division::TicksPerQuarter(spec.ppq),
        },
        tracks,
    }
}

fn chord_degree(spec: &SongSpec, bar_index: u32) -> i32 {
    spec.progression[(bar_index % 4) as usize]
}

fn compose_melody(spec: &SongSpec, rng: &mut SplitMix64, bar: u32, beat: u32) -> TrackBuilder {
    let ch = 0;
    let mut t = TrackBuilder::new(rng.chance(50));
    t.meta(0, Meta::TrackName("Melody".to_string()));
    if spec.sysex {
        // GM System On, so a real synth would reset to General MIDI defaults.
        t.sysex(0, vec![0x7E, 0x7F, 0x09, 0x01, 0xF7]);
    }
    t.control(0, EventKind::ProgramChange { channel: ch, program: *rng.pick(&[0, 40, 56, 73, 80]) });
    t.control(0, EventKind::ControlChange { channel: ch, controller: 7, value: 100 });
    t.control(0, EventKind::ControlChange { channel: ch, controller: 10, value: 64 + rng.below(20) as u8 });

    let slot = beat / spec.density;
    let slots_per_bar = u32::from(spec.numerator) * spec.density;
    let mut degree: i32 = 7; // start on the tonic an octave up, mid-register
    for b in 0..spec.bars {
        let chord = chord_degree(spec, b);
        let bar_start = b * bar;
        // Bars at the end of an 8-bar phrase breathe a little more.
        let rest_chance = if b % 8 == 7 { 45 } else { 15 };
        let mut s = 0;
        while s < slots_per_bar {
            let start = bar_start + s * slot;
            if rng.chance(rest_chance) {
                s += 1;
                continue;
            }
            let on_beat = s % spec.density == 0;
            if s == 0 {
                // Downbeats land on a chord tone to keep the harmony audible.
                let tones = [chord, chord + 2, chord + 4];
                let target = *rng.pick(&tones) + 7;
                degree = if (target - degree).abs() > 4 { target } else { degree + (target - degree).signum() };
            } else {
                degree += match rng.below(10) {
                    0 => -3,
                    1 | 2 => -2,
                    3 | 4 => -1,
                    5 => 0,
                    6 | 7 => 1,
                    8 => 2,
                    _ => 3,
                };
            }
            degree = degree.clamp(2, 16);
            let held = if rng.chance(30) && s + 2 <= slots_per_bar { 2 } else { 1 };
            let velocity = if s == 0 {
                rng.range(100, 118)
            } else if on_beat {
                rng.range(84, 100)
            } else {
                rng.range(62, 84)
            } as u8;
            let len = slot * held * 9 / 10;
            t.note(ch, spec.degree_key(degree, 4), velocity, start, len);

            if spec.expressive && held == 2 && rng.chance(35) {
                // A small bend up and back on long notes.
                let steps = 6;
                for i in 1..=steps {
                    let v = (i * 300) as i16;
                    t.control(start + i * slot / steps, EventKind::PitchBend { channel: ch, value: v });
                }
                t.control(start + len, EventKind::PitchBend { channel: ch, value: 0 });
            }
            s += held;
        }
        if spec.expressive && b % 4 == 3 {
            // Modulation swell across the bar.
            for i in 0..8u32 {
                let value = (i * 16) as u8;
                t.control(bar_start + i * bar / 8, EventKind::ControlChange { channel: ch, controller: 1, value });
            }
            t.control(bar_start + bar - 1, EventKind::ControlChange { channel: ch, controller: 1, value: 0 });
        }
    }
    t
}

fn compose_bass(spec: &SongSpec, rng: &mut SplitMix64, bar: u32, beat: u32) -> TrackBuilder {
    let ch = 1;
    let mut t = TrackBuilder::new(rng.chance(50));
    t.meta(0, Meta::TrackName("Bass".to_string()));
    t.control(0, EventKind::ProgramChange { channel: ch, program: *rng.pick(&[32, 33, 34, 38]) });
    let pulse = if spec.density >= 3 { beat / 2 } else { beat };
    let pulses = bar / pulse;
    for b in 0..spec.bars {
        let root = chord_degree(spec, b);
        for p in 0..pulses {
            let start = b * bar + p * pulse;
            // Mostly the root, sometimes the fifth or an octave jump for motion.
            let (degree, octave) = match rng.below(8) {
                0 => (root + 4, 3),
                1 => (root, 4),
                _ => (root, 3),
            };
            let velocity = if p == 0 { 110 } else { 90 - rng.below(15) as u8 };
            t.note(ch, spec.degree_key(degree, octave), velocity, start, pulse * 8 / 10);
        }
    }
    t
}

fn compose_chords(spec: &SongSpec, rng: &mut SplitMix64, bar: u32, beat: u32) -> TrackBuilder {
    let ch = 2;
    let mut t = TrackBuilder::new(rng.chance(50));
    t.meta(0, Meta::TrackName("Chords".to_string()));
    t.control(0, EventKind::ProgramChange { channel: ch, program: *rng.pick(&[0, 4, 48, 89]) });
    t.control(0, EventKind::ControlChange { channel: ch, controller: 7, value: 80 });
    let arpeggiate = rng.chance(40);
    for b in 0..spec.bars {
        let root = chord_degree(spec, b);
        let start = b * bar;
        let tones = [root, root + 2, root + 4];
        if arpeggiate {
            for (i, s) in (start..start + bar).step_by(beat as usize).enumerate() {
                let d = tones[i % 3] + if i >= 3 { 7 } else { 0 };
                t.note(ch, spec.degree_key(d, 4), 70 + rng.below(10) as u8, s, beat);
            }
        } else {
            t.control(start, EventKind::ControlChange { channel: ch, controller: 64, value: 127 });
            for &d in &tones {
                t.note(ch, spec.degree_key(d, 4), 72 + rng.below(12) as u8, start, bar - beat / 4);
            }
            t.control(start + bar - 1, EventKind::ControlChange { channel: ch, controller: 64, value: 0 });
        }
    }
    t
}

fn compose_drums(spec: &SongSpec, rng: &mut SplitMix64, bar: u32, beat: u32) -> TrackBuilder {
    let ch = DRUM_CHANNEL;
    let mut t = TrackBuilder::new(rng.chance(70));
    t.meta(0, Meta::TrackName("Drums".to_string()));
    let hat_step = if spec.density >= 3 { beat / 4 } else { beat / 2 };
    let beats = u32::from(spec.numerator);
    // Short hits, but never longer than the hi-hat grid so hits do not overlap.
    let hit = (hat_step / 2).clamp(1, 30);
    for b in 0..spec.bars {
        let bar_start = b * bar;
        if b % 4 == 0 {
            t.note(ch, CRASH, 110, bar_start, hit);
        }
        for i in 0..beats {
            let s = bar_start + i * beat;
            // Kick on strong beats, snare on the back beats; odd meters group 3+2 / 4+3.
            let strong = i == 0 || (beats == 4 && i == 2) || (beats == 5 && i == 3) || (beats == 7 && i == 4);
            if strong {
                t.note(ch, KICK, 118, s, hit);
            } else if i % 2 == 1 || beats == 3 {
                t.note(ch, SNARE, 100 + rng.below(20) as u8, s, hit);
            }
            if rng.chance(10) {
                t.note(ch, KICK, 90, s + beat / 2, hit);
            }
        }
        let fill = b % 8 == 7;
        let mut s = bar_start;
        while s < bar_start + bar {
            if fill && s >= bar_start + bar / 2 {
                t.note(ch, SNARE, 70 + rng.below(50) as u8, s, hit);
            } else {
                let key = if rng.chance(8) { OPEN_HAT } else { CLOSED_HAT };
                let accent = (s - bar_start).is_multiple_of(beat);
                t.note(ch, key, if accent { 90 } else { 60 + rng.below(20) as u8 }, s, hit);
            }
            s += hat_step;
        }
    }
    t
}

pub fn note_name(pitch_class: u8) -> &'static str {
    ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"][usize::from(pitch_class % 12)]
}

/// Generate the song for `seed` as a parsed structure.
pub fn generate_smf(seed: u64) -> (SongSpec, Smf) {
    let mut rng = SplitMix64::new(seed);
    let spec = SongSpec::random(&mut rng);
    let smf = compose(&spec, &mut rng);
    (spec, smf)
}

/// Generate the song for `seed` as the bytes of a `.mid` file.
pub fn generate_file(seed: u64) -> Vec<u8> {
    let (spec, smf) = generate_smf(seed);
    smf::write(&smf, spec.running_status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smf::parse;

    #[test]
    fn generated_files_round_trip() {
        for seed in 0..40 {
            let (spec, smf) = generate_smf(seed);
            let bytes = smf::write(&smf, spec.running_status);
            let parsed = parse(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert_eq!(parsed, smf, "seed {seed}");
            assert_eq!(parsed.header.format, spec.format);
        }
    }

    #[test]
    fn generation_is_deterministic_and_varied() {
        assert_eq!(generate_file(5), generate_file(5));
        assert_ne!(generate_file(5), generate_file(6));
        let specs: Vec<SongSpec> = (0..50).map(|s| generate_smf(s).0).collect();
        assert!(specs.iter().any(|s| s.format == 0) && specs.iter().any(|s| s.format == 1));
        assert!(specs.iter().any(|s| s.minor) && specs.iter().any(|s| !s.minor));
        assert!(specs.iter().any(|s| s.drums) && specs.iter().any(|s| !s.drums));
    }

    #[test]
    fn running_status_makes_files_smaller() {
        let (_, smf) = generate_smf(3);
        assert!(smf::write(&smf, true).len() < smf::write(&smf, false).len());
    }

    #[test]
    fn corrupted_files_never_panic() {
        // Flip bytes all over a real file: the parser may accept or reject, but must not panic.
        let bytes = generate_file(11);
        let mut rng = SplitMix64::new(99);
        for _ in 0..2_000 {
            let mut b = bytes.clone();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len() as u32) as usize;
                b[i] = rng.next_u64() as u8;
            }
            let cut = rng.range(0, b.len() as u32) as usize;
            let _ = parse(&b);
            let _ = parse(&b[..cut]);
        }
    }

    #[test]
    fn key_signatures() {
        let mut spec = generate_smf(1).0;
        spec.tonic = 7;
        spec.minor = false;
        assert_eq!(spec.key_signature(), Meta::KeySignature { sharps: 1, minor: false });
        spec.tonic = 2; // D minor: one flat
        spec.minor = true;
        assert_eq!(spec.key_signature(), Meta::KeySignature { sharps: -1, minor: true });
    }
}
