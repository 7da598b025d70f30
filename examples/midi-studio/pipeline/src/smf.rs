//! Standard MIDI File (SMF) data model, parser and writer.
//!
//! The parser is strict about structure (chunk ids, lengths, status bytes,
//! meta payload sizes) but never panics: every malformed input is reported as
//! a [`ParseError`] carrying the byte offset where things went wrong.

use std::fmt;
use std::path::Path;

/// General MIDI reserves channel 10 (index 9) for percussion.
pub const DRUM_CHANNEL: u8 = 9;

/// Largest value a 4-byte variable-length quantity can hold.
pub const VLQ_MAX: u32 = 0x0FFF_FFFF;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Division {
    /// Musical time: ticks per quarter note.
    TicksPerQuarter(u16),
    /// Wall-clock time: SMPTE frames per second and ticks per frame.
    Smpte { frames_per_second: u8, ticks_per_frame: u8 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub format: u16,
    pub track_count: u16,
    pub division: Division,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meta {
    SequenceNumber(u16),
    /// Text-like events 0x01..=0x07 other than the track name (0x03).
    Text {
        kind: u8,
        text: String,
    },
    TrackName(String),
    ChannelPrefix(u8),
    EndOfTrack,
    /// Microseconds per quarter note.
    Tempo(u32),
    SmpteOffset([u8; 5]),
    TimeSignature {
        numerator: u8,
        /// The denominator is `2^denominator_pow2` (so 2 means quarter notes).
        denominator_pow2: u8,
        clocks_per_click: u8,
        thirty_seconds_per_quarter: u8,
    },
    /// Negative = flats, positive = sharps.
    KeySignature {
        sharps: i8,
        minor: bool,
    },
    /// Anything we do not interpret (sequencer-specific etc.) is kept as raw bytes.
    Other {
        kind: u8,
        data: Vec<u8>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    NoteOff {
        channel: u8,
        key: u8,
        velocity: u8,
    },
    NoteOn {
        channel: u8,
        key: u8,
        velocity: u8,
    },
    PolyPressure {
        channel: u8,
        key: u8,
        pressure: u8,
    },
    ControlChange {
        channel: u8,
        controller: u8,
        value: u8,
    },
    ProgramChange {
        channel: u8,
        program: u8,
    },
    ChannelPressure {
        channel: u8,
        pressure: u8,
    },
    /// Centred on zero: -8192..=8191.
    PitchBend {
        channel: u8,
        value: i16,
    },
    /// `escape` is true for 0xF7 "escape" events, false for ordinary 0xF0 sysex.
    SysEx {
        escape: bool,
        data: Vec<u8>,
    },
    Meta(Meta),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Ticks since the previous event in the same track.
    pub delta: u32,
    pub kind: EventKind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Track {
    pub events: Vec<Event>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Smf {
    pub header: Header,
    pub tracks: Vec<Track>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The input ended while `what` was being read.
    Truncated {
        offset: usize,
        what: &'static str,
    },
    /// A chunk id was not what the structure requires (or not ASCII at all).
    BadChunk {
        offset: usize,
        found: [u8; 4],
    },
    /// A variable-length quantity longer than 4 bytes.
    BadVlq {
        offset: usize,
    },
    BadHeader {
        reason: &'static str,
    },
    /// A data byte appeared where a status byte was needed and no running status was active.
    MissingRunningStatus {
        offset: usize,
    },
    /// A status byte that cannot appear in a file (system common / real-time).
    BadStatus {
        offset: usize,
        status: u8,
    },
    /// A channel message data byte with the top bit set.
    BadDataByte {
        offset: usize,
        byte: u8,
    },
    BadMeta {
        offset: usize,
        kind: u8,
        reason: &'static str,
    },
    MissingEndOfTrack {
        track: usize,
    },
    EventAfterEndOfTrack {
        offset: usize,
    },
    TrackCountMismatch {
        declared: u16,
        found: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Truncated { offset, what } => {
                write!(f, "truncated input at byte {offset} while reading {what}")
            }
            ParseError::BadChunk { offset, found } => {
                write!(f, "bad chunk id {:?} at byte {offset}", String::from_utf8_lossy(found))
            }
            ParseError::BadVlq { offset } => {
                write!(f, "variable-length quantity longer than 4 bytes at byte {offset}")
            }
            ParseError::BadHeader { reason } => write!(f, "bad MThd header: {reason}"),
            ParseError::MissingRunningStatus { offset } => {
                write!(f, "data byte without running status at byte {offset}")
            }
            ParseError::BadStatus { offset, status } => {
                write!(f, "status byte {status:#04x} not allowed in a file at byte {offset}")
            }
            ParseError::BadDataByte { offset, byte } => {
                write!(f, "data byte {byte:#04x} has its top bit set at byte {offset}")
            }
            ParseError::BadMeta { offset, kind, reason } => {
                write!(f, "bad meta event {kind:#04x} at byte {offset}: {reason}")
            }
            ParseError::MissingEndOfTrack { track } => {
                write!(f, "track {track} has no end-of-track event")
            }
            ParseError::EventAfterEndOfTrack { offset } => {
                write!(f, "event after end-of-track at byte {offset}")
            }
            ParseError::TrackCountMismatch { declared, found } => {
                write!(f, "header declares {declared} tracks but {found} were found")
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// Error from [`parse_file`]: either the file could not be read or it is not a valid SMF.
#[derive(Debug)]
pub enum LoadError {
    Io(std::io::Error),
    Parse(ParseError),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(e) => write!(f, "cannot read MIDI file: {e}"),
            LoadError::Parse(e) => write!(f, "invalid MIDI file: {e}"),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io(e) => Some(e),
            LoadError::Parse(e) => Some(e),
        }
    }
}

pub fn parse_file(path: impl AsRef<Path>) -> Result<Smf, LoadError> {
    let bytes = std::fs::read(path).map_err(LoadError::Io)?;
    parse(&bytes).map_err(LoadError::Parse)
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Bounds-checked cursor. `base` is the absolute offset of `data[0]` in the
/// file, so errors from inside a track chunk still point at the right byte.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(ParseError::Truncated { offset: self.offset(), what }),
        }
    }

    fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        // `checked_add` guards against lengths near usize::MAX from hostile VLQs.
        let end = self.pos.checked_add(len).filter(|&e| e <= self.data.len());
        match end {
            Some(end) => {
                let slice = &self.data[self.pos..end];
                self.pos = end;
                Ok(slice)
            }
            None => Err(ParseError::Truncated { offset: self.offset(), what }),
        }
    }

    fn u16_be(&mut self, what: &'static str) -> Result<u16, ParseError> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32_be(&mut self, what: &'static str) -> Result<u32, ParseError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn chunk_id(&mut self) -> Result<[u8; 4], ParseError> {
        let b = self.take(4, "chunk id")?;
        Ok([b[0], b[1], b[2], b[3]])
    }

    /// Variable-length quantity: 7 bits per byte, MSB set on all but the last.
    /// The SMF spec caps these at 4 bytes; anything longer is corrupt.
    fn vlq(&mut self) -> Result<u32, ParseError> {
        let start = self.offset();
        let mut value = 0u32;
        for _ in 0..4 {
            let b = self.u8("variable-length quantity")?;
            value = (value << 7) | u32::from(b & 0x7F);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ParseError::BadVlq { offset: start })
    }
}

/// Decode one VLQ from the start of `bytes`; returns the value and bytes consumed.
pub fn decode_vlq(bytes: &[u8]) -> Result<(u32, usize), ParseError> {
    let mut r = Reader::new(bytes, 0);
    let v = r.vlq()?;
    Ok((v, r.pos))
}

/// Parse a complete Standard MIDI File.
pub fn parse(data: &[u8]) -> Result<Smf, ParseError> {
    let mut r = Reader::new(data, 0);

    let id = r.chunk_id()?;
    if &id != b"MThd" {
        return Err(ParseError::BadChunk { offset: 0, found: id });
    }
    let header_len = r.u32_be("header length")? as usize;
    if header_len < 6 {
        return Err(ParseError::BadHeader { reason: "header chunk shorter than 6 bytes" });
    }
    let header_bytes = r.take(header_len, "header chunk")?;
    let mut h = Reader::new(header_bytes, 8);
    let format = h.u16_be("format")?;
    let track_count = h.u16_be("track count")?;
    let raw_division = h.u16_be("division")?;
    // Any extra header bytes belong to future spec versions and are skipped.

    if format > 2 {
        return Err(ParseError::BadHeader { reason: "format must be 0, 1 or 2" });
    }
    if format == 0 && track_count != 1 {
        return Err(ParseError::BadHeader { reason: "format 0 must have exactly one track" });
    }
    let division = if raw_division & 0x8000 == 0 {
        if raw_division == 0 {
            return Err(ParseError::BadHeader { reason: "zero ticks per quarter note" });
        }
        Division::TicksPerQuarter(raw_division)
    } else {
        // Upper byte is the negated frame rate (two's complement).
        let fps = (-((raw_division >> 8) as u8 as i8)) as u8;
        let ticks_per_frame = (raw_division & 0xFF) as u8;
        if !matches!(fps, 24 | 25 | 29 | 30) || ticks_per_frame == 0 {
            return Err(ParseError::BadHeader { reason: "invalid SMPTE division" });
        }
        Division::Smpte { frames_per_second: fps, ticks_per_frame }
    };

    let mut tracks = Vec::with_capacity(usize::from(track_count));
    while !r.is_empty() && tracks.len() < usize::from(track_count) {
        let chunk_offset = r.offset();
        let id = r.chunk_id()?;
        let len = r.u32_be("chunk length")? as usize;
        let body_offset = r.offset();
        let body = r.take(len, "chunk body")?;
        if &id == b"MTrk" {
            tracks.push(parse_track(body, body_offset, tracks.len())?);
        } else if id.iter().all(|b| b.is_ascii_graphic()) {
            // The spec tells readers to skip unknown ("alien") chunks.
            continue;
        } else {
            return Err(ParseError::BadChunk { offset: chunk_offset, found: id });
        }
    }
    if tracks.len() != usize::from(track_count) {
        return Err(ParseError::TrackCountMismatch { declared: track_count, found: tracks.len() });
    }

    Ok(Smf { header: Header { format, track_count, division }, tracks })
}

fn parse_track(body: &[u8], base: usize, index: usize) -> Result<Track, ParseError> {
    let mut r = Reader::new(body, base);
    // Typical events are 3-4 bytes; pre-sizing avoids repeated reallocation.
    let mut events = Vec::with_capacity(body.len() / 3);
    let mut running: Option<u8> = None;
    let mut ended = false;

    while !r.is_empty() {
        if ended {
            return Err(ParseError::EventAfterEndOfTrack { offset: r.offset() });
        }
        let delta = r.vlq()?;
        let status_offset = r.offset();
        let first = r.u8("event status")?;
        let kind = match first {
            0x00..=0x7F => {
                // Running status: the byte we just read is already the first data byte.
                let status = running.ok_or(ParseError::MissingRunningStatus { offset: status_offset })?;
                channel_event(status, first, &mut r)?
            }
            0x80..=0xEF => {
                running = Some(first);
                let data1 = r.u8("channel message data")?;
                channel_event(first, data1, &mut r)?
            }
            0xF0 | 0xF7 => {
                // Sysex and meta events cancel running status.
                running = None;
                let len = r.vlq()? as usize;
                let data = r.take(len, "sysex data")?.to_vec();
                EventKind::SysEx { escape: first == 0xF7, data }
            }
            0xFF => {
                running = None;
                let meta = meta_event(&mut r)?;
                ended = meta == Meta::EndOfTrack;
                EventKind::Meta(meta)
            }
            status => return Err(ParseError::BadStatus { offset: status_offset, status }),
        };
        events.push(Event { delta, kind });
    }

    if !ended {
        return Err(ParseError::MissingEndOfTrack { track: index });
    }
    Ok(Track { events })
}

fn data_byte(byte: u8, offset: usize) -> Result<u8, ParseError> {
    if byte & 0x80 != 0 {
        Err(ParseError::BadDataByte { offset, byte })
    } else {
        Ok(byte)
    }
}

/// Decode a channel voice message whose status and first data byte are known.
fn channel_event(status: u8, data1: u8, r: &mut Reader<'_>) -> Result<EventKind, ParseError> {
    let channel = status & 0x0F;
    let a = data_byte(data1, r.offset().saturating_sub(1))?;
    // Program change and channel pressure carry one data byte, the rest two.
    let second = |r: &mut Reader<'_>| -> Result<u8, ParseError> {
        let off = r.offset();
        data_byte(r.u8("channel message data")?, off)
    };
    Ok(match status & 0xF0 {
        0x80 => EventKind::NoteOff { channel, key: a, velocity: second(r)? },
        0x90 => EventKind::NoteOn { channel, key: a, velocity: second(r)? },
        0xA0 => EventKind::PolyPressure { channel, key: a, pressure: second(r)? },
        0xB0 => EventKind::ControlChange { channel, controller: a, value: second(r)? },
        0xC0 => EventKind::ProgramChange { channel, program: a },
        0xD0 => EventKind::ChannelPressure { channel, pressure: a },
        _ => {
            // 0xE0: 14-bit little-endian value, 0x2000 = centre.
            let msb = second(r)?;
            let raw = (i16::from(msb) << 7) | i16::from(a);
            EventKind::PitchBend { channel, value: raw - 0x2000 }
        }
    })
}

fn meta_event(r: &mut Reader<'_>) -> Result<Meta, ParseError> {
    let offset = r.offset();
    let kind = r.u8("meta type")?;
    let len = r.vlq()? as usize;
    let data = r.take(len, "meta data")?;
    let bad = |reason| ParseError::BadMeta { offset, kind, reason };
    let expect_len = |n: usize| if data.len() == n { Ok(()) } else { Err(bad("wrong length")) };

    Ok(match kind {
        0x00 => {
            expect_len(2)?;
            Meta::SequenceNumber(u16::from_be_bytes([data[0], data[1]]))
        }
        // Lossy: real-world files use all sorts of 8-bit encodings for names.
        0x03 => Meta::TrackName(String::from_utf8_lossy(data).into_owned()),
        0x01..=0x07 => Meta::Text { kind, text: String::from_utf8_lossy(data).into_owned() },
        0x20 => {
            expect_len(1)?;
            if data[0] > 15 {
                return Err(bad("channel prefix above 15"));
            }
            Meta::ChannelPrefix(data[0])
        }
        0x2F => {
            expect_len(0)?;
            Meta::EndOfTrack
        }
        0x51 => {
            expect_len(3)?;
            let us = u32::from_be_bytes([0, data[0], data[1], data[2]]);
            if us == 0 {
                return Err(bad("zero tempo"));
            }
            Meta::Tempo(us)
        }
        0x54 => {
            expect_len(5)?;
            Meta::SmpteOffset([data[0], data[1], data[2], data[3], data[4]])
        }
        0x58 => {
            expect_len(4)?;
            if data[0] == 0 || data[1] > 6 {
                return Err(bad("impossible time signature"));
            }
            Meta::TimeSignature {
                numerator: data[0],
                denominator_pow2: data[1],
                clocks_per_click: data[2],
                thirty_seconds_per_quarter: data[3],
            }
        }
        0x59 => {
            expect_len(2)?;
            let sharps = data[0] as i8;
            if !(-7..=7).contains(&sharps) || data[1] > 1 {
                return Err(bad("key signature out of range"));
            }
            Meta::KeySignature { sharps, minor: data[1] == 1 }
        }
        _ => Meta::Other { kind, data: data.to_vec() },
    })
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// Append `value` as a variable-length quantity (values above [`VLQ_MAX`] are clamped).
pub fn encode_vlq(value: u32, out: &mut Vec<u8>) {
    let value = value.min(VLQ_MAX);
    let mut groups = [0u8; 4];
    let mut n = 0;
    let mut v = value;
    loop {
        groups[n] = (v & 0x7F) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    // Most significant group first, continuation bit on all but the last.
    for i in (0..n).rev() {
        let cont = if i == 0 { 0 } else { 0x80 };
        out.push(groups[i] | cont);
    }
}

/// Serialise `smf`. With `running_status` the writer omits repeated status
/// bytes, exactly like most sequencers do to save space.
pub fn write(smf: &Smf, running_status: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + smf.tracks.iter().map(|t| t.events.len() * 4).sum::<usize>());
    out.extend_from_slice(b"MThd");
    out.extend_from_slice(&6u32.to_be_bytes());
    out.extend_from_slice(&smf.header.format.to_be_bytes());
    out.extend_from_slice(&(smf.tracks.len() as u16).to_be_bytes());
    let division = match smf.header.division {
        Division::TicksPerQuarter(t) => t & 0x7FFF,
        Division::Smpte { frames_per_second, ticks_per_frame } => {
            let neg = (-(frames_per_second as i8)) as u8;
            (u16::from(neg) << 8) | u16::from(ticks_per_frame)
        }
    };
    out.extend_from_slice(&division.to_be_bytes());

    let mut body = Vec::new();
    for track in &smf.tracks {
        body.clear();
        let mut running: Option<u8> = None;
        for ev in &track.events {
            encode_vlq(ev.delta, &mut body);
            encode_event(&ev.kind, running_status, &mut running, &mut body);
        }
        out.extend_from_slice(b"MTrk");
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
    }
    out
}

fn encode_event(kind: &EventKind, use_running: bool, running: &mut Option<u8>, out: &mut Vec<u8>) {
    let mut channel_msg = |status: u8, data: &[u8], out: &mut Vec<u8>| {
        if !(use_running && *running == Some(status)) {
            out.push(status);
        }
        *running = Some(status);
        out.extend(data.iter().map(|d| d & 0x7F));
    };
    match kind {
        EventKind::NoteOff { channel, key, velocity } => channel_msg(0x80 | channel, &[*key, *velocity], out),
        EventKind::NoteOn { channel, key, velocity } => channel_msg(0x90 | channel, &[*key, *velocity], out),
        EventKind::PolyPressure { channel, key, pressure } => channel_msg(0xA0 | channel, &[*key, *pressure], out),
        EventKind::ControlChange { channel, controller, value } => {
            channel_msg(0xB0 | channel, &[*controller, *value], out)
        }
        EventKind::ProgramChange { channel, program } => channel_msg(0xC0 | channel, &[*program], out),
        EventKind::ChannelPressure { channel, pressure } => channel_msg(0xD0 | channel, &[*pressure], out),
        EventKind::PitchBend { channel, value } => {
            let raw = (i32::from(*value) + 0x2000).clamp(0, 0x3FFF) as u16;
            channel_msg(0xE0 | channel, &[(raw & 0x7F) as u8, (raw >> 7) as u8], out)
        }
        EventKind::SysEx { escape, data } => {
            *running = None;
            out.push(if *escape { 0xF7 } else { 0xF0 });
            encode_vlq(data.len() as u32, out);
            out.extend_from_slice(data);
        }
        EventKind::Meta(meta) => {
            *running = None;
            out.push(0xFF);
            encode_meta(meta, out);
        }
    }
}

fn encode_meta(meta: &Meta, out: &mut Vec<u8>) {
    let mut put = |kind: u8, data: &[u8]| {
        out.push(kind);
        encode_vlq(data.len() as u32, out);
        out.extend_from_slice(data);
    };
    match meta {
        Meta::SequenceNumber(n) => put(0x00, &n.to_be_bytes()),
        Meta::Text { kind, text } => put(*kind, text.as_bytes()),
        Meta::TrackName(name) => put(0x03, name.as_bytes()),
        Meta::ChannelPrefix(c) => put(0x20, &[*c]),
        Meta::EndOfTrack => put(0x2F, &[]),
        Meta::Tempo(us) => put(0x51, &us.to_be_bytes()[1..]),
        Meta::SmpteOffset(b) => put(0x54, b),
        Meta::TimeSignature { numerator, denominator_pow2, clocks_per_click, thirty_seconds_per_quarter } => {
            put(0x58, &[*numerator, *denominator_pow2, *clocks_per_click, *thirty_seconds_per_quarter])
        }
        Meta::KeySignature { sharps, minor } => put(0x59, &[*sharps as u8, u8::from(*minor)]),
        Meta::Other { kind, data } => put(*kind, data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vlq_bytes(v: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode_vlq(v, &mut out);
        out
    }

    #[test]
    fn vlq_reference_encodings() {
        // Examples from the SMF 1.0 specification.
        let cases: &[(u32, &[u8])] = &[
            (0x00, &[0x00]),
            (0x40, &[0x40]),
            (0x7F, &[0x7F]),
            (0x80, &[0x81, 0x00]),
            (0x2000, &[0xC0, 0x00]),
            (0x3FFF, &[0xFF, 0x7F]),
            (0x4000, &[0x81, 0x80, 0x00]),
            (0x1F_FFFF, &[0xFF, 0xFF, 0x7F]),
            (0x20_0000, &[0x81, 0x80, 0x80, 0x00]),
            (0x0FFF_FFFF, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for &(value, bytes) in cases {
            assert_eq!(vlq_bytes(value), bytes, "encode {value:#x}");
            assert_eq!(decode_vlq(bytes), Ok((value, bytes.len())), "decode {value:#x}");
        }
    }

    #[test]
    fn vlq_round_trip_and_errors() {
        for v in (0..VLQ_MAX).step_by(9_973).chain([VLQ_MAX]) {
            let bytes = vlq_bytes(v);
            assert_eq!(decode_vlq(&bytes), Ok((v, bytes.len())));
        }
        assert_eq!(decode_vlq(&[0x81, 0x80, 0x80, 0x80, 0x00]), Err(ParseError::BadVlq { offset: 0 }));
        assert!(matches!(decode_vlq(&[0x81, 0x80]), Err(ParseError::Truncated { .. })));
        assert!(matches!(decode_vlq(&[]), Err(ParseError::Truncated { .. })));
    }

    /// Wrap raw track bytes into a minimal format-0 file.
    fn file_with_track(track: &[u8]) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(b"MThd\0\0\0\x06\0\0\0\x01\x00\x60");
        f.extend_from_slice(b"MTrk");
        f.extend_from_slice(&(track.len() as u32).to_be_bytes());
        f.extend_from_slice(track);
        f
    }

    #[test]
    fn running_status_is_honoured() {
        let track = [
            0x00, 0x90, 60, 100, // note on with status
            0x10, 64, 90, // running status: note on 64
            0x10, 60, 0, // running status: note on 60 velocity 0
            0x00, 0xFF, 0x2F, 0x00, // end of track
        ];
        let smf = parse(&file_with_track(&track)).unwrap();
        let ev = &smf.tracks[0].events;
        assert_eq!(ev.len(), 4);
        assert_eq!(ev[1].kind, EventKind::NoteOn { channel: 0, key: 64, velocity: 90 });
        assert_eq!(ev[2].kind, EventKind::NoteOn { channel: 0, key: 60, velocity: 0 });
        assert_eq!(ev[2].delta, 0x10);
    }

    #[test]
    fn meta_cancels_running_status() {
        let track = [
            0x00, 0x90, 60, 100, //
            0x00, 0xFF, 0x01, 0x01, b'x', // text meta cancels running status
            0x00, 60, 0, // so this data byte is an error
            0x00, 0xFF, 0x2F, 0x00,
        ];
        assert_eq!(parse(&file_with_track(&track)), Err(ParseError::MissingRunningStatus { offset: 22 + 10 }));
    }

    #[test]
    fn writer_uses_running_status() {
        let events = vec![
            Event { delta: 0, kind: EventKind::NoteOn { channel: 2, key: 60, velocity: 100 } },
            Event { delta: 96, kind: EventKind::NoteOn { channel: 2, key: 60, velocity: 0 } },
            Event { delta: 0, kind: EventKind::Meta(Meta::EndOfTrack) },
        ];
        let smf = Smf {
            header: Header { format: 0, track_count: 1, division: Division::TicksPerQuarter(96) },
            tracks: vec![Track { events }],
        };
        let compact = write(&smf, true);
        let verbose = write(&smf, false);
        assert_eq!(verbose.len(), compact.len() + 1);
        assert_eq!(parse(&compact).unwrap(), smf);
        assert_eq!(parse(&verbose).unwrap(), smf);
    }

    #[test]
    fn truncated_inputs_are_errors_not_panics() {
        let track = [
            0x00, 0xFF, 0x03, 0x04, b'L', b'e', b'a', b'd', //
            0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, //
            0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7, //
            0x00, 0xC0, 5, 0x00, 0xE0, 0x00, 0x40, //
            0x83, 0x60, 0x90, 60, 100, 0x60, 60, 0, //
            0x00, 0xFF, 0x2F, 0x00,
        ];
        let full = file_with_track(&track);
        assert!(parse(&full).is_ok());
        for len in 0..full.len() {
            let err = parse(&full[..len]).expect_err("prefix must not parse");
            assert!(
                matches!(err, ParseError::Truncated { .. } | ParseError::TrackCountMismatch { .. }),
                "prefix {len}: unexpected {err:?}"
            );
        }
        // A chunk that claims more bytes than the file holds.
        let mut lying = full.clone();
        lying[18..22].copy_from_slice(&(track.len() as u32 + 10).to_be_bytes());
        assert!(matches!(parse(&lying), Err(ParseError::Truncated { what: "chunk body", .. })));
    }

    #[test]
    fn structural_errors() {
        assert!(matches!(parse(b"RIFF\0\0\0\x06\0\0\0\x01\0\x60"), Err(ParseError::BadChunk { offset: 0, .. })));
        assert_eq!(
            parse(b"MThd\0\0\0\x06\0\x03\0\x01\0\x60"),
            Err(ParseError::BadHeader { reason: "format must be 0, 1 or 2" })
        );
        assert_eq!(parse(&file_with_track(&[0x00, 0x90, 60, 100])), Err(ParseError::MissingEndOfTrack { track: 0 }));
        assert!(matches!(
            parse(&file_with_track(&[0x00, 0xF3, 0x01, 0x00, 0xFF, 0x2F, 0x00])),
            Err(ParseError::BadStatus { status: 0xF3, .. })
        ));
        assert!(matches!(
            parse(&file_with_track(&[0x00, 0xFF, 0x51, 0x02, 0x07, 0xA1, 0x00, 0xFF, 0x2F, 0x00])),
            Err(ParseError::BadMeta { kind: 0x51, .. })
        ));
        assert!(matches!(
            parse(&file_with_track(&[0x00, 0x90, 0x80, 100, 0x00, 0xFF, 0x2F, 0x00])),
            Err(ParseError::BadDataByte { byte: 0x80, .. })
        ));
        assert!(matches!(
            parse(&file_with_track(&[0xFF, 0xFF, 0xFF, 0xFF, 0x00])),
            Err(ParseError::BadVlq { offset: 22 })
        ));
    }
}
