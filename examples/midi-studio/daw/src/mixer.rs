//! Channel strips (gain, pan, reverb send), a shared Freeverb-style reverb,
//! summing to stereo, and the master soft clipper.

/// Constant-power pan law: `pan` in -1..=1 -> (left, right) gains with
/// left² + right² = 1, so a sound keeps its loudness while it moves.
pub fn pan_gains(pan: f32) -> (f32, f32) {
    let p = pan.clamp(-1.0, 1.0);
    (((1.0 - p) * 0.5).sqrt(), ((1.0 + p) * 0.5).sqrt())
}

/// Smooth saturation instead of hard clipping: a Padé approximation of tanh
/// that is exactly ±1 at |x| = 3 and flat beyond, so output never exceeds ±1.
pub fn soft_clip(x: f32) -> f32 {
    if x >= 3.0 {
        1.0
    } else if x <= -3.0 {
        -1.0
    } else {
        let x2 = x * x;
        x * (27.0 + x2) / (27.0 + 9.0 * x2)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelStrip {
    pub left: f32,
    pub right: f32,
    pub send: f32,
}

impl ChannelStrip {
    pub fn new(gain: f32, pan: f32, send: f32) -> Self {
        let (l, r) = pan_gains(pan);
        ChannelStrip { left: gain * l, right: gain * r, send: gain * send }
    }
}

/// Feedback comb filter with a one-pole low-pass in the loop (high
/// frequencies die faster, like in a real room).
#[derive(Clone, Debug)]
struct Comb {
    buf: Vec<f32>,
    pos: usize,
    feedback: f32,
    damp: f32,
    store: f32,
}

impl Comb {
    fn new(len: usize, feedback: f32, damp: f32) -> Self {
        Comb { buf: vec![0.0; len.max(1)], pos: 0, feedback, damp, store: 0.0 }
    }

    fn process(&mut self, input: f32) -> f32 {
        let out = self.buf[self.pos];
        self.store = out * (1.0 - self.damp) + self.store * self.damp;
        self.buf[self.pos] = input + self.store * self.feedback;
        self.pos += 1;
        if self.pos == self.buf.len() {
            self.pos = 0;
        }
        out
    }
}

/// Schroeder all-pass: smears echoes into a dense tail without colouring it.
#[derive(Clone, Debug)]
struct AllPass {
    buf: Vec<f32>,
    pos: usize,
}

impl AllPass {
    fn new(len: usize) -> Self {
        AllPass { buf: vec![0.0; len.max(1)], pos: 0 }
    }

    fn process(&mut self, input: f32) -> f32 {
        let delayed = self.buf[self.pos];
        self.buf[self.pos] = input + delayed * 0.5;
        self.pos += 1;
        if self.pos == self.buf.len() {
            self.pos = 0;
        }
        delayed - input
    }
}

/// Freeverb topology: 8 parallel combs then 4 series all-passes per side; the
/// right side uses slightly longer delays to decorrelate the channels.
#[derive(Clone, Debug)]
pub struct Reverb {
    combs: [Vec<Comb>; 2],
    allpasses: [Vec<AllPass>; 2],
    wet: f32,
}

impl Reverb {
    /// Freeverb's delay lengths, tuned for 44.1 kHz.
    const COMB_LENGTHS: [usize; 8] = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
    const ALLPASS_LENGTHS: [usize; 4] = [556, 441, 341, 225];
    const STEREO_SPREAD: usize = 23;

    pub fn new(sample_rate: u32, room: f32, damp: f32, wet: f32) -> Self {
        let scale = |len: usize| len * sample_rate as usize / 44_100;
        let side = |spread: usize| {
            let combs = Self::COMB_LENGTHS.iter().map(|&l| Comb::new(scale(l + spread), room, damp)).collect();
            let aps = Self::ALLPASS_LENGTHS.iter().map(|&l| AllPass::new(scale(l + spread))).collect();
            (combs, aps)
        };
        let (cl, al) = side(0);
        let (cr, ar) = side(Self::STEREO_SPREAD);
        Reverb { combs: [cl, cr], allpasses: [al, ar], wet }
    }

    /// Add the reverb of mono `input` to `left`/`right`.
    pub fn process(&mut self, input: &[f32], left: &mut [f32], right: &mut [f32]) {
        for (side, out) in [left, right].into_iter().enumerate() {
            for (o, &x) in out.iter_mut().zip(input) {
                // Fixed input attenuation keeps the eight summed combs in range.
                let x = x * 0.015;
                let mut acc = 0.0;
                for comb in &mut self.combs[side] {
                    acc += comb.process(x);
                }
                for ap in &mut self.allpasses[side] {
                    acc = ap.process(acc);
                }
                *o += acc * self.wet;
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Mixer {
    strips: Vec<ChannelStrip>,
    master: f32,
    reverb: Reverb,
    send_bus: Vec<f32>,
    /// Samples the clipper actually bent (|x| > 1 before clipping); a loudness diagnostic.
    clipped: u64,
}

impl Mixer {
    pub fn new(strips: Vec<ChannelStrip>, master: f32, reverb: Reverb) -> Self {
        Mixer { strips, master, reverb, send_bus: Vec::new(), clipped: 0 }
    }

    pub fn clipped(&self) -> u64 {
        self.clipped
    }

    /// Sum the mono `buses` (one per strip) into `left`/`right` and clip.
    pub fn mix(&mut self, buses: &[Vec<f32>], left: &mut [f32], right: &mut [f32]) {
        let frames = left.len().min(right.len());
        left[..frames].fill(0.0);
        right[..frames].fill(0.0);
        self.send_bus.clear();
        self.send_bus.resize(frames, 0.0);
        for (bus, strip) in buses.iter().zip(&self.strips) {
            let outs = left.iter_mut().zip(right.iter_mut()).zip(self.send_bus.iter_mut());
            for (((l, r), send), &x) in outs.zip(&bus[..frames]) {
                *l += x * strip.left;
                *r += x * strip.right;
                *send += x * strip.send;
            }
        }
        self.reverb.process(&self.send_bus, &mut left[..frames], &mut right[..frames]);
        for s in left[..frames].iter_mut().chain(right[..frames].iter_mut()) {
            let x = *s * self.master;
            if x.abs() > 1.0 {
                self.clipped += 1;
            }
            *s = soft_clip(x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_clip_bounds_and_transparency() {
        for i in -1000..=1000 {
            let x = i as f32 / 50.0; // -20 ..= 20
            let y = soft_clip(x);
            assert!((-1.0..=1.0).contains(&y), "soft_clip({x}) = {y}");
        }
        // Monotonic, continuous at the knee, near-linear for quiet signals.
        assert!(soft_clip(2.9) < soft_clip(2.99));
        assert!((soft_clip(2.9999) - 1.0).abs() < 1e-3);
        assert!((soft_clip(0.05) - 0.05).abs() < 1e-4);
        assert_eq!(soft_clip(0.0), 0.0);
        assert_eq!(soft_clip(-0.3), -soft_clip(0.3));
    }

    #[test]
    fn pan_law_is_constant_power() {
        for pan in [-1.0, -0.5, 0.0, 0.3, 1.0] {
            let (l, r) = pan_gains(pan);
            assert!((l * l + r * r - 1.0).abs() < 1e-6);
        }
        assert_eq!(pan_gains(-1.0), (1.0, 0.0));
        assert_eq!(pan_gains(1.0), (0.0, 1.0));
    }

    #[test]
    fn mixer_pans_and_clips() {
        let strips = vec![ChannelStrip::new(1.0, -1.0, 0.0), ChannelStrip::new(2.0, 1.0, 0.0)];
        let mut mixer = Mixer::new(strips, 1.0, Reverb::new(48_000, 0.84, 0.2, 0.3));
        let buses = vec![vec![0.5; 4], vec![5.0; 4]];
        let (mut l, mut r) = (vec![9.0; 4], vec![9.0; 4]);
        mixer.mix(&buses, &mut l, &mut r);
        assert!(l.iter().all(|&s| (s - soft_clip(0.5)).abs() < 1e-6), "{l:?}");
        // 5.0 * 2.0 = 10.0 on the right: clipped to exactly 1.0.
        assert!(r.iter().all(|&s| s == 1.0), "{r:?}");
        assert_eq!(mixer.clipped(), 4);
    }

    #[test]
    fn reverb_tail_decays() {
        let mut reverb = Reverb::new(48_000, 0.84, 0.2, 1.0);
        let mut input = vec![0.0f32; 48_000];
        input[0] = 1.0;
        let (mut l, mut r) = (vec![0.0; 48_000], vec![0.0; 48_000]);
        reverb.process(&input, &mut l, &mut r);
        let energy = |s: &[f32]| s.iter().map(|x| x * x).sum::<f32>();
        // Silent until the shortest comb delay has passed, then a tail that fades.
        assert!(l[..1_000].iter().all(|&x| x == 0.0));
        assert!(energy(&l[2_000..12_000]) > energy(&l[38_000..48_000]) * 4.0);
        assert!(energy(&r[38_000..]) > 0.0);
        assert_ne!(l[5_000], r[5_000]);
    }
}
