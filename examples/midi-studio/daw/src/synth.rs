//! Voices: oscillators, ADSR envelopes, a state-variable filter, drum sounds,
//! and a fixed-size voice pool with voice stealing.
//!
//! Only plain f32 arithmetic and IEEE-exact functions (`sqrt`, `round`) are
//! used on the audio path; no libm transcendental calls whose results could
//! depend on the platform's math library.

use crate::rng::Noise;
use crate::sequence::{Adsr, Patch, Waveform, CLOSED_HAT, KICK, OPEN_HAT, SNARE};

/// Tone voices run oscillators and filter at four times the output rate and
/// average each group of samples: a simple way to push aliasing (and the
/// filter's high-cutoff instability) far away from the audible band.
pub const OVERSAMPLE: usize = 4;

/// Frequency of the vibrato LFO.
const VIBRATO_HZ: f32 = 5.5;

/// Equal-tempered semitone ratios 2^(n/12), so pitch needs no `powf`.
const SEMITONE_RATIOS: [f32; 12] = [
    1.0,
    1.059_463_1,
    1.122_462,
    1.189_207_1,
    1.259_921,
    1.334_839_9,
    std::f32::consts::SQRT_2,
    1.498_307_1,
    1.587_401,
    1.681_792_8,
    1.781_797_4,
    1.887_748_6,
];

pub const MAX_UNISON: usize = 7;

/// One cent as a frequency ratio offset: 2^(1/1200) - 1, good for small detunes.
const CENT: f32 = 0.000_577_8;

/// Frequency in Hz of MIDI key `key` (A4 = 69 = 440 Hz).
pub fn key_to_hz(key: u8) -> f32 {
    let offset = i32::from(key) - 69;
    let octave = offset.div_euclid(12);
    let mut hz = 440.0 * SEMITONE_RATIOS[offset.rem_euclid(12) as usize];
    // Octave shifts are exact multiplications by powers of two.
    if octave >= 0 {
        for _ in 0..octave {
            hz *= 2.0;
        }
    } else {
        for _ in 0..-octave {
            hz *= 0.5;
        }
    }
    hz
}

/// sin(2π·phase) for phase in [0, 1): a parabola plus one refinement step
/// (max error ≈ 0.001), far cheaper than a libm call per sample.
pub fn fast_sin(phase: f32) -> f32 {
    let t = phase * 2.0 - 1.0; // sin(2πp) = -sin(πt)
    let y = 4.0 * t * (1.0 - t.abs());
    let y = 0.225 * (y * y.abs() - y) + y;
    -y
}

/// PolyBLEP residual: smooths the discontinuity of saw/square waves near the
/// wrap point to cut audible aliasing. `dt` is the phase increment per sample.
fn poly_blep(t: f32, dt: f32) -> f32 {
    if t < dt {
        let x = t / dt;
        x + x - x * x - 1.0
    } else if t > 1.0 - dt {
        let x = (t - 1.0) / dt;
        x * x + x + x + 1.0
    } else {
        0.0
    }
}

fn oscillator(waveform: Waveform, phase: f32, dt: f32, noise: &mut Noise) -> f32 {
    match waveform {
        Waveform::Sine => fast_sin(phase),
        Waveform::Saw => 2.0 * phase - 1.0 - poly_blep(phase, dt),
        Waveform::Square => {
            let naive = if phase < 0.5 { 1.0 } else { -1.0 };
            let half = if phase < 0.5 { phase + 0.5 } else { phase - 0.5 };
            naive + poly_blep(phase, dt) - poly_blep(half, dt)
        }
        Waveform::Triangle => 4.0 * (phase - 0.5).abs() - 1.0,
        Waveform::Noise => noise.sample(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Idle,
    Attack,
    Decay,
    Sustain,
    Release,
}

/// Linear ADSR envelope advanced one sample at a time.
#[derive(Clone, Debug)]
pub struct Envelope {
    stage: Stage,
    level: f32,
    attack_step: f32,
    decay_step: f32,
    sustain: f32,
    release_samples: f32,
    release_step: f32,
}

impl Envelope {
    pub fn new(adsr: Adsr, sample_rate: f32) -> Self {
        let samples = |secs: f32| (secs * sample_rate).max(1.0);
        let sustain = adsr.sustain.clamp(0.0, 1.0);
        Envelope {
            stage: Stage::Idle,
            level: 0.0,
            attack_step: 1.0 / samples(adsr.attack),
            decay_step: (1.0 - sustain) / samples(adsr.decay),
            sustain,
            release_samples: samples(adsr.release),
            release_step: 0.0,
        }
    }

    /// Start (or restart) the attack from the current level, avoiding clicks on retrigger.
    pub fn trigger(&mut self) {
        self.stage = Stage::Attack;
    }

    /// Enter the release stage; it lasts `release` seconds from whatever level we are at.
    pub fn release(&mut self) {
        if self.stage != Stage::Idle {
            self.stage = Stage::Release;
            self.release_step = self.level / self.release_samples;
        }
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn level(&self) -> f32 {
        self.level
    }

    pub fn is_active(&self) -> bool {
        self.stage != Stage::Idle
    }

    pub fn next_level(&mut self) -> f32 {
        match self.stage {
            Stage::Idle => {}
            Stage::Attack => {
                self.level += self.attack_step;
                if self.level >= 1.0 {
                    self.level = 1.0;
                    self.stage = Stage::Decay;
                }
            }
            Stage::Decay => {
                self.level -= self.decay_step;
                if self.level <= self.sustain {
                    self.level = self.sustain;
                    // A zero sustain (plucks, drums) means the note is over after decay.
                    self.stage = if self.sustain > 0.0 { Stage::Sustain } else { Stage::Idle };
                }
            }
            Stage::Sustain => {}
            Stage::Release => {
                self.level -= self.release_step;
                if self.level <= 0.0 {
                    self.level = 0.0;
                    self.stage = Stage::Idle;
                }
            }
        }
        self.level
    }
}

/// Chamberlin state-variable low-pass filter.
#[derive(Clone, Copy, Debug, Default)]
struct Svf {
    low: f32,
    band: f32,
    f: f32,
    damping: f32,
}

impl Svf {
    fn new(resonance: f32) -> Self {
        Svf { low: 0.0, band: 0.0, f: 0.0, damping: 2.0 * (1.0 - resonance.clamp(0.0, 0.95)) }
    }

    fn set_cutoff(&mut self, cutoff_hz: f32, sample_rate: f32) {
        // f = 2·sin(π·fc/fs); the clamp keeps the filter stable near Nyquist.
        let fc = cutoff_hz.clamp(20.0, sample_rate * 0.2);
        self.f = 2.0 * fast_sin(fc / (2.0 * sample_rate));
    }

    fn process(&mut self, input: f32) -> f32 {
        self.low += self.f * self.band;
        let high = input - self.low - self.damping * self.band;
        self.band += self.f * high;
        self.low
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DrumKind {
    Kick,
    Snare,
    Hat,
}

#[derive(Clone, Copy, Debug)]
enum Sound {
    Tone { waveform: Waveform, unison: usize },
    Drum(DrumKind),
}

#[derive(Clone, Debug)]
pub struct Voice {
    /// Identifier of the note being played (index into the schedule), `None` when idle.
    pub note_id: Option<u32>,
    pub track: usize,
    pub key: u8,
    /// Frame at which the note started; the oldest voice is stolen first.
    pub started_at: u64,
    sound: Sound,
    phases: [f32; MAX_UNISON],
    steps: [f32; MAX_UNISON],
    amp: f32,
    env: Envelope,
    filter: Svf,
    noise: Noise,
    /// Kick: current pitch step and its per-sample decay factor.
    sweep: f32,
    sweep_decay: f32,
    /// One-pole high-pass memory for snare/hat noise.
    hp_prev_in: f32,
    hp_prev_out: f32,
    cutoff_hz: f32,
    filter_env_hz: f32,
    /// Vibrato depth as a frequency ratio, LFO phase and per-sample step.
    vibrato: f32,
    lfo_phase: f32,
    lfo_step: f32,
    /// Internal (oversampled) rate of tone voices.
    internal_rate: f32,
}

impl Voice {
    fn idle() -> Self {
        Voice {
            note_id: None,
            track: 0,
            key: 0,
            started_at: 0,
            sound: Sound::Drum(DrumKind::Hat),
            phases: [0.0; MAX_UNISON],
            steps: [0.0; MAX_UNISON],
            amp: 0.0,
            env: Envelope::new(Adsr { attack: 0.0, decay: 0.0, sustain: 0.0, release: 0.0 }, 1.0),
            filter: Svf::default(),
            noise: Noise::new(1),
            sweep: 0.0,
            sweep_decay: 1.0,
            hp_prev_in: 0.0,
            hp_prev_out: 0.0,
            cutoff_hz: 0.0,
            filter_env_hz: 0.0,
            vibrato: 0.0,
            lfo_phase: 0.0,
            lfo_step: 0.0,
            internal_rate: 1.0,
        }
    }

    pub fn is_active(&self) -> bool {
        self.env.is_active()
    }

    pub fn envelope(&self) -> &Envelope {
        &self.env
    }

    /// (Re)initialise this voice for a new note.
    pub fn start(&mut self, note: &NoteStart, patch: &Patch, sample_rate: f32) {
        self.note_id = Some(note.id);
        self.track = note.track;
        self.key = note.key;
        self.started_at = note.frame;
        self.amp = f32::from(note.velocity) / 127.0;
        self.noise = Noise::new(note.id.wrapping_mul(0x9E37_79B9) ^ u32::from(note.key));
        self.hp_prev_in = 0.0;
        self.hp_prev_out = 0.0;
        match *patch {
            Patch::Tone(tone) => {
                let unison = usize::from(tone.unison).clamp(1, MAX_UNISON);
                self.internal_rate = sample_rate * OVERSAMPLE as f32;
                let base = key_to_hz(note.key) / self.internal_rate;
                for i in 0..unison {
                    // Spread voices symmetrically: -d .. +d cents, linearised 2^(c/1200).
                    let spread = if unison == 1 { 0.0 } else { (i as f32 / (unison - 1) as f32) * 2.0 - 1.0 };
                    self.steps[i] = base * (1.0 + spread * tone.detune_cents * CENT);
                    // Staggered start phases so unison voices do not start phase-locked.
                    self.phases[i] = (i as f32 * 0.137) % 1.0;
                }
                self.sound = Sound::Tone { waveform: tone.waveform, unison };
                self.filter = Svf::new(tone.resonance);
                self.cutoff_hz = tone.cutoff_hz;
                self.filter_env_hz = tone.filter_env_hz;
                self.vibrato = tone.vibrato_cents * CENT;
                // Start each note at a different LFO phase so chords do not wobble in sync.
                self.lfo_phase = f32::from(note.key % 8) * 0.125;
                self.lfo_step = VIBRATO_HZ / sample_rate;
                self.env = Envelope::new(tone.adsr, sample_rate);
            }
            Patch::Drums => {
                let (kind, adsr) = match note.key {
                    KICK => (DrumKind::Kick, Adsr { attack: 0.001, decay: 0.32, sustain: 0.0, release: 0.05 }),
                    SNARE => (DrumKind::Snare, Adsr { attack: 0.001, decay: 0.18, sustain: 0.0, release: 0.05 }),
                    OPEN_HAT => (DrumKind::Hat, Adsr { attack: 0.001, decay: 0.35, sustain: 0.0, release: 0.08 }),
                    CLOSED_HAT => (DrumKind::Hat, Adsr { attack: 0.001, decay: 0.05, sustain: 0.0, release: 0.02 }),
                    _ => (DrumKind::Hat, Adsr { attack: 0.001, decay: 0.1, sustain: 0.0, release: 0.02 }),
                };
                self.sound = Sound::Drum(kind);
                self.phases[0] = 0.0;
                // Kick: pitch falls from ~195 Hz to a ~45 Hz floor within ~60 ms.
                // Snare: a 185 Hz body under the noise.
                self.steps[0] = match kind {
                    DrumKind::Kick => 45.0 / sample_rate,
                    DrumKind::Snare => 185.0 / sample_rate,
                    DrumKind::Hat => 0.0,
                };
                self.sweep = 150.0 / sample_rate;
                self.sweep_decay = 1.0 - 1.0 / (0.06 * sample_rate);
                self.env = Envelope::new(adsr, sample_rate);
            }
        }
        self.env.trigger();
    }

    pub fn release(&mut self) {
        self.env.release();
    }

    /// Add this voice's output to `out`. Returns false once the voice has gone silent.
    pub fn render(&mut self, out: &mut [f32]) -> bool {
        for sample in out.iter_mut() {
            let level = self.env.next_level();
            if !self.env.is_active() {
                self.note_id = None;
                return false;
            }
            let raw = match self.sound {
                Sound::Tone { waveform, unison } => {
                    // The cutoff tracks the envelope every sample, so each note "opens" and closes.
                    self.filter.set_cutoff(self.cutoff_hz + self.filter_env_hz * level, self.internal_rate);
                    let pitch = if self.vibrato > 0.0 {
                        let lfo = fast_sin(self.lfo_phase);
                        self.lfo_phase += self.lfo_step;
                        if self.lfo_phase >= 1.0 {
                            self.lfo_phase -= 1.0;
                        }
                        1.0 + self.vibrato * lfo
                    } else {
                        1.0
                    };
                    // Normalise unison loudness roughly by 1/sqrt(n) (table avoids sqrt per sample).
                    const UNISON_GAIN: [f32; MAX_UNISON + 1] = [0.0, 1.0, 0.707, 0.577, 0.5, 0.447, 0.408, 0.378];
                    let mut acc = 0.0;
                    for _ in 0..OVERSAMPLE {
                        let mut sum = 0.0;
                        for i in 0..unison {
                            let dt = self.steps[i] * pitch;
                            sum += oscillator(waveform, self.phases[i], dt, &mut self.noise);
                            self.phases[i] += dt;
                            if self.phases[i] >= 1.0 {
                                self.phases[i] -= 1.0;
                            }
                        }
                        acc += self.filter.process(sum * UNISON_GAIN[unison]);
                    }
                    acc * (1.0 / OVERSAMPLE as f32)
                }
                Sound::Drum(DrumKind::Kick) => {
                    let s = fast_sin(self.phases[0]);
                    self.phases[0] += self.sweep + self.steps[0];
                    if self.phases[0] >= 1.0 {
                        self.phases[0] -= 1.0;
                    }
                    self.sweep *= self.sweep_decay;
                    s * 1.4
                }
                Sound::Drum(DrumKind::Snare) => {
                    let body = 4.0 * (self.phases[0] - 0.5).abs() - 1.0;
                    self.phases[0] += self.steps[0];
                    if self.phases[0] >= 1.0 {
                        self.phases[0] -= 1.0;
                    }
                    0.45 * body + 0.8 * self.highpass(0.7)
                }
                Sound::Drum(DrumKind::Hat) => self.highpass(0.95) * 0.6,
            };
            *sample += raw * level * self.amp;
        }
        true
    }

    /// One-pole high-pass over the noise source; `coeff` near 1 = lower cutoff.
    fn highpass(&mut self, coeff: f32) -> f32 {
        let x = self.noise.sample();
        let y = coeff * (self.hp_prev_out + x - self.hp_prev_in);
        self.hp_prev_in = x;
        self.hp_prev_out = y;
        y
    }
}

/// What the pool needs to know to start a note.
#[derive(Clone, Copy, Debug)]
pub struct NoteStart {
    pub id: u32,
    pub track: usize,
    pub key: u8,
    pub velocity: u8,
    pub frame: u64,
}

/// Fixed-capacity polyphony, like a hardware synth: when every voice is busy
/// a new note steals one instead of allocating.
#[derive(Clone, Debug)]
pub struct VoicePool {
    voices: Vec<Voice>,
    steals: u64,
}

impl VoicePool {
    pub fn new(capacity: usize) -> Self {
        VoicePool { voices: vec![Voice::idle(); capacity.max(1)], steals: 0 }
    }

    pub fn voices(&self) -> &[Voice] {
        &self.voices
    }

    pub fn voices_mut(&mut self) -> &mut [Voice] {
        &mut self.voices
    }

    pub fn steals(&self) -> u64 {
        self.steals
    }

    pub fn active_count(&self) -> usize {
        self.voices.iter().filter(|v| v.is_active()).count()
    }

    /// Pick the voice for a new note: a free one if possible; otherwise the
    /// quietest releasing voice (least audible to cut); otherwise the oldest.
    pub fn choose_voice(&self) -> (usize, bool) {
        if let Some(i) = self.voices.iter().position(|v| !v.is_active()) {
            return (i, false);
        }
        let mut best: Option<(usize, f32)> = None;
        for (i, v) in self.voices.iter().enumerate() {
            if v.env.stage() == Stage::Release && best.is_none_or(|(_, level)| v.env.level() < level) {
                best = Some((i, v.env.level()));
            }
        }
        if let Some((i, _)) = best {
            return (i, true);
        }
        let oldest = self.voices.iter().enumerate().min_by_key(|(i, v)| (v.started_at, *i)).map_or(0, |(i, _)| i);
        (oldest, true)
    }

    pub fn note_on(&mut self, note: &NoteStart, patch: &Patch, sample_rate: f32) -> usize {
        let (index, stolen) = self.choose_voice();
        self.steals += u64::from(stolen);
        self.voices[index].start(note, patch, sample_rate);
        index
    }

    /// Release the voice playing `note_id`, if it has not been stolen meanwhile.
    pub fn note_off(&mut self, note_id: u32) {
        if let Some(v) = self.voices.iter_mut().find(|v| v.note_id == Some(note_id)) {
            v.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sequence::Tone;

    const SR: f32 = 1_000.0; // 1 kHz keeps stage lengths easy to count

    #[test]
    fn envelope_stages() {
        let adsr = Adsr { attack: 0.010, decay: 0.020, sustain: 0.5, release: 0.040 };
        let mut env = Envelope::new(adsr, SR);
        assert_eq!(env.stage(), Stage::Idle);
        assert_eq!(env.next_level(), 0.0);
        env.trigger();
        // 10 samples of attack reach full level.
        for _ in 0..9 {
            env.next_level();
            assert_eq!(env.stage(), Stage::Attack);
        }
        assert_eq!(env.next_level(), 1.0);
        assert_eq!(env.stage(), Stage::Decay);
        // 20 samples of decay reach the sustain level (allow float rounding).
        let mut n = 0;
        while env.stage() == Stage::Decay {
            env.next_level();
            n += 1;
        }
        assert!((20..=21).contains(&n), "decay took {n}");
        assert_eq!(env.stage(), Stage::Sustain);
        for _ in 0..100 {
            assert_eq!(env.next_level(), 0.5);
        }
        env.release();
        assert_eq!(env.stage(), Stage::Release);
        let mut n = 0;
        while env.is_active() {
            let l = env.next_level();
            assert!((0.0..0.5).contains(&l));
            n += 1;
        }
        assert!((40..=41).contains(&n), "release took {n}");
        assert_eq!(env.level(), 0.0);
    }

    #[test]
    fn zero_sustain_ends_after_decay_and_early_release_is_smooth() {
        let mut pluck = Envelope::new(Adsr { attack: 0.001, decay: 0.005, sustain: 0.0, release: 0.01 }, SR);
        pluck.trigger();
        let mut n = 0;
        while pluck.is_active() {
            pluck.next_level();
            n += 1;
        }
        assert!(n <= 8, "pluck lasted {n}");

        // Releasing mid-attack falls from the current level, not from 1.0.
        let mut env = Envelope::new(Adsr { attack: 0.010, decay: 0.01, sustain: 0.8, release: 0.010 }, SR);
        env.trigger();
        for _ in 0..5 {
            env.next_level();
        }
        let at_release = env.level();
        env.release();
        assert!(env.next_level() < at_release);
    }

    #[test]
    fn pitch_and_sine() {
        assert_eq!(key_to_hz(69), 440.0);
        assert_eq!(key_to_hz(81), 880.0);
        assert_eq!(key_to_hz(57), 220.0);
        assert!((key_to_hz(60) - 261.6256).abs() < 0.01);
        for i in 0..100 {
            let p = i as f32 / 100.0;
            let exact = (p * std::f32::consts::TAU).sin();
            assert!((fast_sin(p) - exact).abs() < 0.002, "phase {p}");
        }
    }

    fn tone() -> Patch {
        Patch::Tone(Tone {
            waveform: Waveform::Saw,
            unison: 1,
            detune_cents: 0.0,
            cutoff_hz: 2_000.0,
            filter_env_hz: 500.0,
            resonance: 0.2,
            vibrato_cents: 5.0,
            adsr: Adsr { attack: 0.001, decay: 0.1, sustain: 0.8, release: 0.2 },
        })
    }

    fn start(id: u32, frame: u64) -> NoteStart {
        NoteStart { id, track: 0, key: 60 + id as u8, velocity: 100, frame }
    }

    #[test]
    fn voice_stealing_prefers_free_then_releasing_then_oldest() {
        let mut pool = VoicePool::new(3);
        let patch = tone();
        assert_eq!(pool.note_on(&start(0, 10), &patch, 48_000.0), 0);
        assert_eq!(pool.note_on(&start(1, 20), &patch, 48_000.0), 1);
        assert_eq!(pool.note_on(&start(2, 30), &patch, 48_000.0), 2);
        assert_eq!(pool.steals(), 0);
        assert_eq!(pool.active_count(), 3);

        // All busy and none releasing: the oldest (note 0, voice 0) is stolen.
        assert_eq!(pool.note_on(&start(3, 40), &patch, 48_000.0), 0);
        assert_eq!(pool.steals(), 1);
        assert_eq!(pool.voices()[0].note_id, Some(3));

        // A releasing voice is preferred over the oldest one.
        let mut scratch = [0.0f32; 64];
        for v in pool.voices_mut() {
            v.render(&mut scratch);
        }
        pool.note_off(2);
        for v in pool.voices_mut() {
            v.render(&mut scratch);
        }
        assert_eq!(pool.voices()[2].envelope().stage(), Stage::Release);
        assert_eq!(pool.note_on(&start(4, 50), &patch, 48_000.0), 2);
        assert_eq!(pool.steals(), 2);

        // Note-off for a stolen note must not release the voice's new note.
        pool.note_off(0);
        assert_ne!(pool.voices()[0].envelope().stage(), Stage::Release);
    }

    #[test]
    fn voice_frees_itself_after_release() {
        let mut pool = VoicePool::new(2);
        pool.note_on(&start(0, 0), &tone(), 1_000.0);
        let mut out = vec![0.0f32; 1_000];
        assert!(pool.voices_mut()[0].render(&mut out[..100]));
        pool.note_off(0);
        let still = pool.voices_mut()[0].render(&mut out[100..]);
        assert!(!still);
        assert_eq!(pool.active_count(), 0);
        assert_eq!(pool.voices()[0].note_id, None);
        assert!(out.iter().any(|&s| s != 0.0));
    }
}
