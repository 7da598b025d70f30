//! Musical analysis of a parsed file: tempo, key, statistics and tags.
//!
//! Everything that ends up in a checksum is an integer. Floating point is only
//! used inside the key correlation, and its result is rounded before leaving
//! this module, so results are identical across optimisation levels.

use crate::checksum::Fnv1a64;
use crate::generate::note_name;
use crate::smf::{Division, EventKind, Meta, Smf, DRUM_CHANNEL};

/// Krumhansl–Kessler probe-tone profiles (C major / C minor), as used by the
/// Krumhansl–Schmuckler key-finding algorithm.
pub const MAJOR_PROFILE: [f64; 12] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
pub const MINOR_PROFILE: [f64; 12] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

/// Used when a file has no tempo event, as the SMF spec prescribes (120 BPM).
const DEFAULT_TEMPO_US: u32 = 500_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub tonic: u8,
    pub minor: bool,
}

impl Key {
    /// 0..=11 for C major..B major, 12..=23 for C minor..B minor.
    pub fn index(self) -> u8 {
        self.tonic + if self.minor { 12 } else { 0 }
    }

    pub fn from_index(index: u8) -> Key {
        Key { tonic: index % 12, minor: index >= 12 }
    }

    pub fn name(self) -> String {
        format!("{} {}", note_name(self.tonic), if self.minor { "minor" } else { "major" })
    }

    /// The key a key-signature meta event declares.
    pub fn from_signature(sharps: i8, minor: bool) -> Key {
        // Walking the circle of fifths: each sharp moves the major tonic up a fifth.
        let major_tonic = (i32::from(sharps) * 7).rem_euclid(12) as u8;
        let tonic = if minor { (major_tonic + 9) % 12 } else { major_tonic };
        Key { tonic, minor }
    }
}

/// Bit set of descriptive tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tags(pub u32);

impl Tags {
    pub const FAST: Tags = Tags(1 << 0);
    pub const SLOW: Tags = Tags(1 << 1);
    pub const MAJOR: Tags = Tags(1 << 2);
    pub const MINOR: Tags = Tags(1 << 3);
    pub const DENSE: Tags = Tags(1 << 4);
    pub const SPARSE: Tags = Tags(1 << 5);
    pub const PERCUSSIVE: Tags = Tags(1 << 6);
    pub const LONG: Tags = Tags(1 << 7);
    pub const SHORT: Tags = Tags(1 << 8);
    pub const TEMPO_CHANGES: Tags = Tags(1 << 9);
    pub const ODD_METER: Tags = Tags(1 << 10);
    pub const TRIPLE_METER: Tags = Tags(1 << 11);
    pub const EXPRESSIVE: Tags = Tags(1 << 12);
    pub const SYSEX: Tags = Tags(1 << 13);
    pub const WIDE_RANGE: Tags = Tags(1 << 14);
    pub const POLYPHONIC: Tags = Tags(1 << 15);
    pub const TEMPO_VERIFIED: Tags = Tags(1 << 16);
    pub const KEY_SIG_MATCH: Tags = Tags(1 << 17);

    const NAMES: [&'static str; 18] = [
        "fast",
        "slow",
        "major",
        "minor",
        "dense",
        "sparse",
        "percussive",
        "long",
        "short",
        "tempo-changes",
        "odd-meter",
        "triple-meter",
        "expressive",
        "sysex",
        "wide-range",
        "polyphonic",
        "tempo-verified",
        "key-sig-match",
    ];

    pub fn insert(&mut self, tag: Tags) {
        self.0 |= tag.0;
    }

    pub fn set_if(&mut self, tag: Tags, condition: bool) {
        if condition {
            self.insert(tag);
        }
    }

    pub fn contains(self, tag: Tags) -> bool {
        self.0 & tag.0 == tag.0
    }

    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| *n)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EventCounts {
    pub note_on: u32,
    pub note_off: u32,
    pub control_change: u32,
    pub program_change: u32,
    pub pitch_bend: u32,
    pub pressure: u32,
    pub sysex: u32,
    pub meta: u32,
}

impl EventCounts {
    pub fn total(&self) -> u32 {
        self.note_on
            + self.note_off
            + self.control_change
            + self.program_change
            + self.pitch_bend
            + self.pressure
            + self.sysex
            + self.meta
    }
}

/// How the onset-based tempo estimate relates to the tempo map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TempoAgreement {
    /// Within 4 % of the tempo map's dominant tempo.
    Exact,
    /// Within 4 % of double, half, 3/2 or 2/3 the tempo (a metrical-level confusion).
    Related,
    Disagree,
    /// One of the two estimates is missing.
    Unknown,
}

/// A note with both ends resolved to ticks and microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoteSpan {
    pub start_tick: u64,
    pub end_tick: u64,
    pub start_us: u64,
    pub end_us: u64,
    pub channel: u8,
    pub key: u8,
    pub velocity: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TempoPoint {
    tick: u64,
    /// Absolute time of `tick`, accumulated over all earlier tempo segments.
    us: u64,
    us_per_quarter: u32,
}

/// Converts ticks to microseconds for either kind of SMF division.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TempoMap {
    division: Division,
    points: Vec<TempoPoint>,
}

impl TempoMap {
    /// `changes` are (absolute tick, microseconds per quarter), in any order.
    pub fn new(division: Division, mut changes: Vec<(u64, u32)>) -> TempoMap {
        // Stable sort: for two changes at the same tick the later one in the file wins.
        changes.sort_by_key(|c| c.0);
        let mut points: Vec<TempoPoint> = Vec::with_capacity(changes.len() + 1);
        if changes.first().is_none_or(|c| c.0 > 0) {
            points.push(TempoPoint { tick: 0, us: 0, us_per_quarter: DEFAULT_TEMPO_US });
        }
        let ppq = match division {
            Division::TicksPerQuarter(t) => u64::from(t),
            Division::Smpte { .. } => 1, // unused: SMPTE time ignores tempo
        };
        for (tick, us_per_quarter) in changes {
            match points.last_mut() {
                Some(last) if last.tick == tick => last.us_per_quarter = us_per_quarter,
                Some(last) => {
                    let us = last.us + (tick - last.tick) * u64::from(last.us_per_quarter) / ppq;
                    points.push(TempoPoint { tick, us, us_per_quarter });
                }
                None => points.push(TempoPoint { tick, us: 0, us_per_quarter }),
            }
        }
        TempoMap { division, points }
    }

    pub fn tick_to_us(&self, tick: u64) -> u64 {
        match self.division {
            Division::TicksPerQuarter(ppq) => {
                // Last point at or before `tick`; there is always one at tick 0.
                let i = self.points.partition_point(|p| p.tick <= tick).max(1) - 1;
                let p = &self.points[i];
                p.us + (tick - p.tick) * u64::from(p.us_per_quarter) / u64::from(ppq)
            }
            Division::Smpte { frames_per_second, ticks_per_frame } => {
                // "29" means 29.97 drop-frame: 30000/1001 frames per second.
                let (num, den) = if frames_per_second == 29 {
                    (1_001_000_000u64, 30_000u64)
                } else {
                    (1_000_000, u64::from(frames_per_second))
                };
                tick * num / (den * u64::from(ticks_per_frame))
            }
        }
    }

    pub fn is_musical(&self) -> bool {
        matches!(self.division, Division::TicksPerQuarter(_))
    }

    /// Number of distinct tempo segments.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The tempo in effect for the most ticks before `end_tick`, in BPM × 100.
    pub fn dominant_bpm_x100(&self, end_tick: u64) -> Option<u32> {
        if !self.is_musical() {
            return None;
        }
        let mut totals: Vec<(u32, u64)> = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            let next = self.points.get(i + 1).map_or(end_tick, |n| n.tick).min(end_tick);
            let ticks = next.saturating_sub(p.tick);
            match totals.iter_mut().find(|t| t.0 == p.us_per_quarter) {
                Some(t) => t.1 += ticks,
                None => totals.push((p.us_per_quarter, ticks)),
            }
        }
        // Most ticks wins; ties go to the faster tempo so the answer is order-independent.
        let best = totals.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
        Some(us_per_quarter_to_bpm_x100(best.0))
    }
}

pub fn us_per_quarter_to_bpm_x100(us: u32) -> u32 {
    let us = u64::from(us.max(1));
    ((6_000_000_000 + us / 2) / us) as u32
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    pub format: u16,
    pub tracks: u16,
    pub counts: EventCounts,
    pub notes: u32,
    pub duration_ms: u64,
    pub tempo_bpm_x100: Option<u32>,
    pub onset_bpm_x100: Option<u32>,
    pub tempo_agreement: TempoAgreement,
    pub key: Option<Key>,
    /// Pearson correlation of the winning key, × 1000 and rounded.
    pub key_correlation_milli: i32,
    pub declared_key: Option<Key>,
    pub max_polyphony: u32,
    pub lowest_key: u8,
    pub highest_key: u8,
    /// Bit n set when MIDI channel n carries notes.
    pub channels_used: u16,
    pub tags: Tags,
}

impl Analysis {
    pub fn tempo_bpm(&self) -> Option<u32> {
        self.tempo_bpm_x100.map(|b| (b + 50) / 100)
    }

    /// Feed every result into `h` in a fixed order.
    pub fn fold_into(&self, h: &mut Fnv1a64) {
        let c = &self.counts;
        h.write_u32(u32::from(self.format) << 16 | u32::from(self.tracks));
        for v in [c.note_on, c.note_off, c.control_change, c.program_change, c.pitch_bend, c.pressure, c.sysex, c.meta]
        {
            h.write_u32(v);
        }
        h.write_u32(self.notes);
        h.write_u64(self.duration_ms);
        h.write_u32(self.tempo_bpm().unwrap_or(0));
        h.write_u32(self.onset_bpm_x100.map_or(0, |b| (b + 50) / 100));
        h.write_u8(self.tempo_agreement as u8);
        h.write_u8(self.key.map_or(0xFF, Key::index));
        h.write_u32(self.key_correlation_milli as u32);
        h.write_u8(self.declared_key.map_or(0xFF, Key::index));
        h.write_u32(self.max_polyphony);
        h.write(&[self.lowest_key, self.highest_key]);
        h.write_u32(u32::from(self.channels_used));
        h.write_u32(self.tags.0);
    }
}

/// Everything gathered in one pass over the events.
struct Collected {
    counts: EventCounts,
    tempo_changes: Vec<(u64, u32)>,
    /// (start tick, end tick, channel, key, velocity)
    notes: Vec<(u64, u64, u8, u8, u8)>,
    end_tick: u64,
    meter: Option<(u8, u8)>,
    declared_key: Option<Key>,
    expressive: bool,
}

fn collect(smf: &Smf) -> Collected {
    let mut c = Collected {
        counts: EventCounts::default(),
        tempo_changes: Vec::new(),
        notes: Vec::new(),
        end_tick: 0,
        meter: None,
        declared_key: None,
        expressive: false,
    };
    const CLOSED: u64 = u64::MAX;
    // Start tick and velocity of the sounding note per (channel, key).
    let mut open_start = vec![CLOSED; 16 * 128];
    let mut open_velocity = vec![0u8; 16 * 128];

    for track in &smf.tracks {
        let mut tick = 0u64;
        for ev in &track.events {
            tick += u64::from(ev.delta);
            // A note-on with velocity 0 is a note-off (lets writers keep running status).
            let (note_on, note_off) = match ev.kind {
                EventKind::NoteOn { channel, key, velocity } if velocity > 0 => (Some((channel, key, velocity)), None),
                EventKind::NoteOn { channel, key, .. } | EventKind::NoteOff { channel, key, .. } => {
                    (None, Some((channel, key)))
                }
                _ => (None, None),
            };
            if let Some((channel, key)) = note_off {
                c.counts.note_off += 1;
                let slot = usize::from(channel) * 128 + usize::from(key);
                if open_start[slot] != CLOSED {
                    c.notes.push((open_start[slot], tick, channel, key, open_velocity[slot]));
                    open_start[slot] = CLOSED;
                }
                // A stray note-off (no matching note-on) is harmless; ignore it.
                continue;
            }
            if let Some((channel, key, velocity)) = note_on {
                c.counts.note_on += 1;
                let slot = usize::from(channel) * 128 + usize::from(key);
                if open_start[slot] != CLOSED {
                    // Re-striking a sounding note ends the previous one.
                    c.notes.push((open_start[slot], tick, channel, key, open_velocity[slot]));
                }
                open_start[slot] = tick;
                open_velocity[slot] = velocity;
                continue;
            }
            match &ev.kind {
                EventKind::ControlChange { controller, value, .. } => {
                    c.counts.control_change += 1;
                    // Modulation wheel movement counts as expressive playing.
                    if *controller == 1 && *value > 0 {
                        c.expressive = true;
                    }
                }
                EventKind::ProgramChange { .. } => c.counts.program_change += 1,
                EventKind::PitchBend { value, .. } => {
                    c.counts.pitch_bend += 1;
                    c.expressive |= *value != 0;
                }
                EventKind::PolyPressure { .. } | EventKind::ChannelPressure { .. } => {
                    c.counts.pressure += 1;
                    c.expressive = true;
                }
                EventKind::SysEx { .. } => c.counts.sysex += 1,
                EventKind::Meta(meta) => {
                    c.counts.meta += 1;
                    match meta {
                        Meta::Tempo(us) => c.tempo_changes.push((tick, *us)),
                        Meta::TimeSignature { numerator, denominator_pow2, .. } => {
                            c.meter.get_or_insert((*numerator, *denominator_pow2));
                        }
                        Meta::KeySignature { sharps, minor } => {
                            c.declared_key.get_or_insert(Key::from_signature(*sharps, *minor));
                        }
                        _ => {}
                    }
                }
                EventKind::NoteOn { .. } | EventKind::NoteOff { .. } => unreachable!("handled above"),
            }
        }
        // Notes still sounding when the track ends are cut off there.
        for (slot, start) in open_start.iter_mut().enumerate() {
            if *start != CLOSED {
                let (channel, key) = ((slot / 128) as u8, (slot % 128) as u8);
                c.notes.push((*start, tick, channel, key, open_velocity[slot]));
                *start = CLOSED;
            }
        }
        c.end_tick = c.end_tick.max(tick);
    }
    c
}

/// Analyse a parsed file.
pub fn analyse(smf: &Smf) -> Analysis {
    let collected = collect(smf);
    let tempo_change_count = collected.tempo_changes.len();
    let tempo_map = TempoMap::new(smf.header.division, collected.tempo_changes);

    let mut notes: Vec<NoteSpan> = collected
        .notes
        .iter()
        .map(|&(start, end, channel, key, velocity)| NoteSpan {
            start_tick: start,
            end_tick: end,
            start_us: tempo_map.tick_to_us(start),
            end_us: tempo_map.tick_to_us(end),
            channel,
            key,
            velocity,
        })
        .collect();
    // Stable sort on a full key: the order of notes must not depend on track layout details.
    notes.sort_by_key(|n| (n.start_tick, n.channel, n.key, n.end_tick));

    let duration_us = tempo_map.tick_to_us(collected.end_tick);
    let duration_ms = duration_us / 1000;

    let tempo_bpm_x100 = tempo_map.dominant_bpm_x100(collected.end_tick);
    let onset_bpm_x100 = onset_tempo_bpm_x100(&notes);
    let tempo_agreement = compare_tempi(tempo_bpm_x100, onset_bpm_x100);

    let mut pitch_weights = [0u64; 12];
    let mut lowest_key = 127;
    let mut highest_key = 0;
    let mut channels_used = 0u16;
    for n in &notes {
        channels_used |= 1 << n.channel;
        if n.channel == DRUM_CHANNEL {
            continue; // drum "pitches" are instrument numbers, not pitches
        }
        // Weight by sounding time: long notes shape the perceived key more.
        pitch_weights[usize::from(n.key % 12)] += (n.end_us - n.start_us) / 1000 + 1;
        lowest_key = lowest_key.min(n.key);
        highest_key = highest_key.max(n.key);
    }
    let key_result = detect_key(&pitch_weights);
    let key = key_result.map(|(k, _)| k);
    let key_correlation_milli = key_result.map_or(0, |(_, r)| (r * 1000.0).round() as i32);
    let max_polyphony = max_polyphony(&notes);

    let notes_count = notes.len() as u32;
    let mut tags = Tags::default();
    let bpm = tempo_bpm_x100.or(onset_bpm_x100).unwrap_or(0);
    tags.set_if(Tags::FAST, bpm >= 140 * 100);
    tags.set_if(Tags::SLOW, bpm > 0 && bpm < 90 * 100);
    tags.set_if(Tags::MAJOR, key.is_some_and(|k| !k.minor));
    tags.set_if(Tags::MINOR, key.is_some_and(|k| k.minor));
    let notes_per_10s = (u64::from(notes_count) * 10_000).checked_div(duration_ms).unwrap_or(0);
    tags.set_if(Tags::DENSE, notes_per_10s >= 200);
    tags.set_if(Tags::SPARSE, notes_per_10s < 80);
    tags.set_if(Tags::PERCUSSIVE, channels_used & (1 << DRUM_CHANNEL) != 0);
    tags.set_if(Tags::LONG, duration_ms >= 90_000);
    tags.set_if(Tags::SHORT, duration_ms < 30_000);
    tags.set_if(Tags::TEMPO_CHANGES, tempo_change_count > 1);
    if let Some((numerator, _)) = collected.meter {
        tags.set_if(Tags::ODD_METER, matches!(numerator, 5 | 7 | 11 | 13));
        tags.set_if(Tags::TRIPLE_METER, numerator % 3 == 0);
    }
    tags.set_if(Tags::EXPRESSIVE, collected.expressive);
    tags.set_if(Tags::SYSEX, collected.counts.sysex > 0);
    tags.set_if(Tags::WIDE_RANGE, highest_key >= lowest_key && highest_key - lowest_key >= 40);
    tags.set_if(Tags::POLYPHONIC, max_polyphony >= 4);
    tags.set_if(Tags::TEMPO_VERIFIED, tempo_agreement == TempoAgreement::Exact);
    tags.set_if(Tags::KEY_SIG_MATCH, key.is_some() && key == collected.declared_key);

    Analysis {
        format: smf.header.format,
        tracks: smf.tracks.len() as u16,
        counts: collected.counts,
        notes: notes_count,
        duration_ms,
        tempo_bpm_x100,
        onset_bpm_x100,
        tempo_agreement,
        key,
        key_correlation_milli,
        declared_key: collected.declared_key,
        max_polyphony,
        lowest_key: if notes_count > 0 { lowest_key } else { 0 },
        highest_key,
        channels_used,
        tags,
    }
}

fn compare_tempi(map: Option<u32>, onset: Option<u32>) -> TempoAgreement {
    let (Some(a), Some(b)) = (map, onset) else {
        return TempoAgreement::Unknown;
    };
    let close = |target: u64| {
        let b = u64::from(b);
        b * 100 >= target * 96 && b * 100 <= target * 104
    };
    let a = u64::from(a);
    if close(a) {
        TempoAgreement::Exact
    } else if close(a * 2) || close(a / 2) || close(a * 3 / 2) || close(a * 2 / 3) {
        TempoAgreement::Related
    } else {
        TempoAgreement::Disagree
    }
}

/// Tempo estimated from note onsets alone, in BPM × 100.
///
/// 1. Merge notes starting within 10 ms into one onset whose strength is the
///    sum of velocities (chords and kick+bass hits mark strong beats).
/// 2. Histogram all inter-onset intervals up to 2.5 s (not only neighbours),
///    weighted by the product of both strengths.
/// 3. Score each beat period by how much histogram mass sits at its first
///    few multiples (a comb filter over the interval autocorrelation),
///    times a mild prior centred on 120 BPM.
pub fn onset_tempo_bpm_x100(notes: &[NoteSpan]) -> Option<u32> {
    const MIN_IOI_MS: usize = 70;
    const MAX_IOI_MS: usize = 2_500;
    const MIN_PERIOD_MS: usize = 250; // 240 BPM
    const MAX_PERIOD_MS: usize = 1_000; // 60 BPM
    const SMOOTH: usize = 4;

    let mut onsets: Vec<(u64, u64)> = Vec::new();
    // Callers usually pass notes sorted by time already; sorting keeps this function self-contained.
    let mut strengths: Vec<(u64, u64)> = notes.iter().map(|n| (n.start_us / 1000, u64::from(n.velocity))).collect();
    strengths.sort_by_key(|s| s.0);
    for (ms, vel) in strengths {
        match onsets.last_mut() {
            Some(last) if ms - last.0 < 10 => last.1 += vel,
            _ => onsets.push((ms, vel)),
        }
    }
    if onsets.len() < 8 {
        return None;
    }

    let mut hist = vec![0u64; MAX_IOI_MS + SMOOTH + 1];
    for (i, &(t0, s0)) in onsets.iter().enumerate() {
        for &(t1, s1) in &onsets[i + 1..] {
            let d = (t1 - t0) as usize;
            if d > MAX_IOI_MS {
                break;
            }
            if d >= MIN_IOI_MS {
                hist[d] += s0 * s1;
            }
        }
    }

    // Triangular smoothing absorbs the rounding of tick times to milliseconds.
    let mut smooth = vec![0u64; hist.len()];
    for (d, out) in smooth.iter_mut().enumerate().take(MAX_IOI_MS + 1).skip(SMOOTH) {
        let mut acc = 0;
        for k in 0..=2 * SMOOTH {
            let weight = (SMOOTH + 1 - k.abs_diff(SMOOTH)) as u64;
            acc += weight * hist[d + k - SMOOTH];
        }
        *out = acc;
    }

    let mut scores = vec![0u64; MAX_PERIOD_MS + 1];
    for (period, out) in scores.iter_mut().enumerate().skip(MIN_PERIOD_MS) {
        let mut score = 0u64;
        // Weights 4,3,2,1 for the first four multiples of the period.
        for m in 1..=4usize {
            let lag = period * m;
            if lag > MAX_IOI_MS {
                break;
            }
            score += smooth[lag] * (5 - m as u64);
        }
        // Prior: full weight at 500 ms, falling off with the period ratio.
        let prior = if period <= 500 { period as u64 * 256 / 500 } else { 500 * 256 / period as u64 };
        *out = score / 64 * prior;
    }
    let (best, &best_score) = scores.iter().enumerate().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
    if best_score == 0 {
        return None;
    }

    // Sub-millisecond refinement: score-weighted centroid of the peak's neighbourhood.
    let lo = best.saturating_sub(3).max(MIN_PERIOD_MS);
    let hi = (best + 3).min(MAX_PERIOD_MS);
    let (mut num, mut den) = (0u128, 0u128);
    for (p, &s) in scores.iter().enumerate().take(hi + 1).skip(lo) {
        num += u128::from(s) * p as u128 * 100;
        den += u128::from(s);
    }
    let period_x100 = (num / den.max(1)) as u64;
    Some(((600_000_000u64 + period_x100 / 2) / period_x100.max(1)) as u32)
}

/// Krumhansl–Schmuckler: correlate the pitch-class distribution with the
/// major and minor profiles rotated to all 12 tonics; the best correlation wins.
/// Returns `None` when there is nothing to correlate (no pitched notes, or a
/// perfectly flat distribution).
pub fn detect_key(pitch_weights: &[u64; 12]) -> Option<(Key, f64)> {
    let x: Vec<f64> = pitch_weights.iter().map(|&w| w as f64).collect();
    let mean_x = x.iter().sum::<f64>() / 12.0;
    let dx: Vec<f64> = x.iter().map(|v| v - mean_x).collect();
    let var_x: f64 = dx.iter().map(|d| d * d).sum();
    if var_x == 0.0 {
        return None;
    }

    let mut best: Option<(Key, f64)> = None;
    for (minor, profile) in [(false, &MAJOR_PROFILE), (true, &MINOR_PROFILE)] {
        let mean_p = profile.iter().sum::<f64>() / 12.0;
        let var_p: f64 = profile.iter().map(|p| (p - mean_p) * (p - mean_p)).sum();
        for tonic in 0..12usize {
            let mut cov = 0.0;
            for (pc, d) in dx.iter().enumerate() {
                // Profile index is the interval above the candidate tonic.
                cov += d * (profile[(pc + 12 - tonic) % 12] - mean_p);
            }
            let r = cov / (var_x * var_p).sqrt();
            // Strictly greater: ties keep the earlier (major, lower tonic) key.
            if best.is_none_or(|(_, b)| r > b) {
                best = Some((Key { tonic: tonic as u8, minor }, r));
            }
        }
    }
    best
}

/// Largest number of simultaneously sounding pitched notes.
fn max_polyphony(notes: &[NoteSpan]) -> u32 {
    // (time, +1 / -1); ends sort before starts at the same time.
    let mut edges: Vec<(u64, i32)> = Vec::with_capacity(notes.len() * 2);
    for n in notes.iter().filter(|n| n.channel != DRUM_CHANNEL) {
        edges.push((n.start_tick, 1));
        edges.push((n.end_tick, -1));
    }
    edges.sort_unstable();
    let (mut current, mut max) = (0i32, 0i32);
    for (_, delta) in edges {
        current += delta;
        max = max.max(current);
    }
    max as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{compose, generate_smf, SongSpec};
    use crate::rng::SplitMix64;
    use crate::smf::{parse, write, Event, Header, Track};

    fn file(ppq: u16, events: Vec<(u32, EventKind)>) -> Smf {
        let mut evs: Vec<Event> = events.into_iter().map(|(delta, kind)| Event { delta, kind }).collect();
        evs.push(Event { delta: 0, kind: EventKind::Meta(Meta::EndOfTrack) });
        Smf {
            header: Header { format: 0, track_count: 1, division: Division::TicksPerQuarter(ppq) },
            tracks: vec![Track { events: evs }],
        }
    }

    fn note_on(key: u8) -> EventKind {
        EventKind::NoteOn { channel: 0, key, velocity: 90 }
    }

    fn note_off(key: u8) -> EventKind {
        EventKind::NoteOn { channel: 0, key, velocity: 0 }
    }

    #[test]
    fn c_major_scale_is_detected_as_c_major() {
        // Up and down the scale; the tonic gets the final, longer note.
        let scale = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60];
        let mut events = Vec::new();
        for (i, &k) in scale.iter().enumerate() {
            let len = if i == scale.len() - 1 { 384 } else { 96 };
            events.push((0, note_on(k)));
            events.push((len, note_off(k)));
        }
        let a = analyse(&file(96, events));
        assert_eq!(a.key, Some(Key { tonic: 0, minor: false }), "got {:?}", a.key.map(Key::name));
        assert!(a.tags.contains(Tags::MAJOR));
        assert_eq!(a.notes, 15);
        assert_eq!((a.lowest_key, a.highest_key), (60, 72));
    }

    #[test]
    fn a_minor_triad_emphasis_is_minor() {
        let mut w = [0u64; 12];
        for (pc, weight) in [(9, 40), (0, 25), (4, 30), (11, 8), (2, 10), (5, 8), (7, 6)] {
            w[pc] = weight;
        }
        let (key, r) = detect_key(&w).unwrap();
        assert_eq!(key, Key { tonic: 9, minor: true });
        assert!(r > 0.5);
        assert_eq!(detect_key(&[0; 12]), None);
        assert_eq!(detect_key(&[7; 12]), None);
    }

    #[test]
    fn tempo_map_bpm_and_time_conversion() {
        // 96 ppq; 120 BPM for 8 beats, then 90 BPM for 4 beats.
        let map = TempoMap::new(Division::TicksPerQuarter(96), vec![(768, 666_667), (0, 500_000)]);
        assert_eq!(map.tick_to_us(0), 0);
        assert_eq!(map.tick_to_us(96), 500_000);
        assert_eq!(map.tick_to_us(768), 4_000_000);
        assert_eq!(map.tick_to_us(768 + 96), 4_666_667);
        assert_eq!(map.dominant_bpm_x100(768 + 384), Some(12_000));
        assert_eq!(map.dominant_bpm_x100(768 + 2000), Some(9_000));
        // No tempo events at all: the SMF default of 120 BPM.
        let default = TempoMap::new(Division::TicksPerQuarter(480), vec![]);
        assert_eq!(default.dominant_bpm_x100(1000), Some(12_000));
        assert_eq!(us_per_quarter_to_bpm_x100(400_000), 15_000);
        // SMPTE: 25 fps × 40 ticks = 1 ms per tick, no tempo.
        let smpte = TempoMap::new(Division::Smpte { frames_per_second: 25, ticks_per_frame: 40 }, vec![]);
        assert_eq!(smpte.tick_to_us(1234), 1_234_000);
        assert_eq!(smpte.dominant_bpm_x100(100), None);
    }

    #[test]
    fn tempo_from_file_and_onsets_agree() {
        let mut rng = SplitMix64::new(1);
        let mut spec = SongSpec::random(&mut rng);
        spec.bpm = 125;
        spec.tempo_changes = false;
        spec.drums = true;
        spec.numerator = 4;
        spec.denominator_pow2 = 2;
        let smf = compose(&spec, &mut rng);
        let a = analyse(&parse(&write(&smf, true)).unwrap());
        assert_eq!(a.tempo_bpm(), Some(125));
        let onset = a.onset_bpm_x100.expect("enough onsets");
        assert!(matches!(a.tempo_agreement, TempoAgreement::Exact | TempoAgreement::Related), "onset bpm {onset}");
    }

    #[test]
    fn tags_and_counts_on_generated_songs() {
        let mut verified = 0;
        let mut key_hits = 0;
        for seed in 0..60 {
            let (spec, smf) = generate_smf(seed);
            let a = analyse(&smf);
            assert_eq!(a.tempo_bpm_x100, Some(us_per_quarter_to_bpm_x100(spec.tempo_us())), "seed {seed}");
            assert_eq!(a.tags.contains(Tags::PERCUSSIVE), spec.drums, "seed {seed}");
            assert_eq!(a.tags.contains(Tags::TEMPO_CHANGES), spec.tempo_changes, "seed {seed}");
            assert_eq!(a.counts.note_on, a.notes);
            assert_eq!(a.declared_key, Some(Key { tonic: spec.tonic, minor: spec.minor }));
            verified += u32::from(a.tempo_agreement != TempoAgreement::Disagree);
            key_hits += u32::from(a.key.map(|k| k.tonic) == Some(spec.tonic));
        }
        // Heuristics are allowed to miss sometimes, but not usually.
        assert!(verified >= 45, "tempo cross-check agreed only {verified}/60");
        assert!(key_hits >= 40, "key tonic found only {key_hits}/60");
    }

    #[test]
    fn overlapping_and_unterminated_notes() {
        let events = vec![
            (0, note_on(60)),
            (48, note_on(60)), // re-strike closes the first note
            (48, note_off(60)),
            (0, note_off(61)), // stray note-off is ignored
            (0, note_on(64)),  // never released: closed at end of track
            (96, EventKind::Meta(Meta::Text { kind: 1, text: "end".into() })),
        ];
        let a = analyse(&file(96, events));
        assert_eq!(a.notes, 3);
        assert_eq!(a.counts.note_off, 2);
        assert_eq!(a.max_polyphony, 1);
    }

    #[test]
    fn key_from_signature() {
        assert_eq!(Key::from_signature(0, false), Key { tonic: 0, minor: false });
        assert_eq!(Key::from_signature(0, true), Key { tonic: 9, minor: true });
        assert_eq!(Key::from_signature(3, false), Key { tonic: 9, minor: false });
        assert_eq!(Key::from_signature(-2, true), Key { tonic: 7, minor: true });
        assert_eq!(Key::from_signature(-6, false).tonic, 6);
        assert_eq!(Key::from_index(Key { tonic: 4, minor: true }.index()), Key { tonic: 4, minor: true });
    }
}
