using System.Globalization;

namespace SharpDistill.Config;

/// <summary>
/// Range checks on the values of a resolved config, each naming its full key, so that a value
/// that would make a run do nothing or something meaningless (zero epochs, a negative image limit)
/// is refused before anything starts. A method's own settings are checked by its distiller, or here by
/// its descriptor's Validate (a combination's terms).
/// </summary>
internal static class ConfigValidation
{
    public static void Check(RunConfig config)
    {
        var problems = new List<string>();
        void AtLeast(string key, double value, double minimum, string why = "")
        {
            if (!(value >= minimum)) problems.Add(Say($"{key} must be at least {minimum}{why}, got {value}"));
        }
        void Positive(string key, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) problems.Add(Say($"{key} must be a positive finite number, got {value}"));
        }

        var solver = config.Solver;
        AtLeast("solver.epochs", solver.Epochs, 1);
        AtLeast("solver.batch_size", solver.BatchSize, 1);
        Positive("solver.lr", solver.Lr);
        if (!(solver.Momentum >= 0 && solver.Momentum < 1)) problems.Add(Say($"solver.momentum must be in [0, 1), got {solver.Momentum}"));
        AtLeast("solver.weight_decay", solver.WeightDecay, 0);
        Positive("solver.lr_decay_rate", solver.LrDecayRate);
        AtLeast("solver.warmup_epochs", solver.WarmupEpochs, 0);
        for (var i = 0; i < solver.LrDecayStages.Count; i++)
        {
            if (solver.LrDecayStages[i] < 1) problems.Add($"solver.lr_decay_stages[{i}] must be an epoch (at least 1), got {solver.LrDecayStages[i]}");
            else if (i > 0 && solver.LrDecayStages[i] <= solver.LrDecayStages[i - 1])
                problems.Add($"solver.lr_decay_stages must increase, but {solver.LrDecayStages[i]} follows {solver.LrDecayStages[i - 1]}");
        }

        var dataset = config.Dataset;
        AtLeast("dataset.num_workers", dataset.NumWorkers, 0, " (0 means half the cores, at least one)");
        AtLeast("dataset.test_batch_size", dataset.TestBatchSize, 1);
        AtLeast("dataset.train_limit", dataset.TrainLimit, 0, " (0 means every image)");
        AtLeast("dataset.test_limit", dataset.TestLimit, 0, " (0 means every image)");
        AtLeast("experiment.seed", config.Experiment.Seed, 0);
        AtLeast("log.save_every", config.Log.SaveEvery, 0, " (0 means only latest and best)");
        if (dataset.Classes.Any(c => c < 0) || dataset.Classes.Distinct().Count() != dataset.Classes.Count)
            problems.Add($"dataset.classes must list distinct class numbers (0 and up), got [{string.Join(", ", dataset.Classes)}]");
        AtLeast("transfer.image_size", config.Transfer.ImageSize, 1);

        try
        {
            config.Distiller.Descriptor.Validate(config.Distiller.SettingsOf(config.Distiller.Method));
        }
        catch (ArgumentException invalid)
        {
            problems.Add(invalid.Message);
        }

        if (problems.Count > 0) throw new ConfigException(string.Join("; ", problems));
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
