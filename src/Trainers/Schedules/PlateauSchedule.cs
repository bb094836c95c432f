namespace MlNetDeep.Trainers;

/// <summary>PyTorch's ReduceLROnPlateau (threshold 1e-4 relative, cooldown 0) on the validation value early stopping watches.</summary>
internal sealed class PlateauSchedule(float factor, int patience, float minimum) : LearningRateSchedule
{
    /// <summary>Relative improvement below which an epoch counts as no better (PyTorch's default threshold).</summary>
    private const double Threshold = 1e-4;

    internal override bool NeedsValidation => true;

    internal override LearningRateRun Start(ScheduleContext context) => new Run(factor, patience, minimum, context);

    /// <inheritdoc/>
    public override string ToString() => $"reduce on plateau (×{factor} after {patience} epochs without improvement, minimum {minimum})";

    private sealed class Run(float factor, int patience, float minimum, ScheduleContext context) : LearningRateRun
    {
        private float _rate = context.BaseRate;
        private double? _best;
        private int _badEpochs;

        public override float Rate(int epoch, int step) => _rate;

        public override double[] SaveState() => [_rate, _best ?? double.NaN, _badEpochs];

        public override void LoadState(double[] state)
        {
            if (state.Length != 3) throw new InvalidDataException($"The checkpoint holds {state.Length} schedule values; reduce on plateau keeps 3.");
            _rate = (float)state[0];
            _best = double.IsNaN(state[1]) ? null : state[1];
            _badEpochs = (int)state[2];
        }

        public override string? EpochEnded(int epoch, double? validationValue)
        {
            if (validationValue is not double value) return null;
            if (_best is not double best || Improves(value, best))
            {
                _best = value;
                _badEpochs = 0;
                return null;
            }
            if (++_badEpochs <= patience) return null;
            _badEpochs = 0;
            float reduced = Math.Max(_rate * factor, minimum);
            if (_rate - reduced <= 1e-8f) return null; // already at the minimum (PyTorch's eps)
            string line = $"reduce on plateau after epoch {epoch}: no improvement for {patience} epochs; learning rate {_rate:G4} → {reduced:G4}";
            _rate = reduced;
            return line;
        }

        private bool Improves(double value, double best) => context.HigherIsBetter
            ? value > best * (1 + Threshold)
            : value < best * (1 - Threshold);
    }
}
