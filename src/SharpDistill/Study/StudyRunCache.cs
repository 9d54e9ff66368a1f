using System.Diagnostics;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Reports;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Study;

/// <summary>
/// The cached, resumable runs of a study or a sweep: each run gets a directory named after its role and
/// the hash of its resolved config, so a finished run whose config did not change is reused, and an
/// interrupted one resumes from its latest checkpoint.
/// </summary>
public sealed class StudyRunCache
{
    private readonly string outputDirectory;
    private readonly Action<string> print;

    public StudyRunCache(string outputDirectory, Action<string> print)
    {
        this.outputDirectory = outputDirectory;
        this.print = print;
    }

    /// <summary>
    /// The config of one run: defaults, <paramref name="configFiles"/>, then <paramref name="settings"/> (each a
    /// key=value override), placed in the output directory under "role-hash".
    /// </summary>
    public RunConfig Resolve(string role, IReadOnlyList<string> configFiles, IEnumerable<string> settings)
    {
        var config = RunConfig.Load(configFiles, settings);
        // The directory name carries the config hash: same settings, same directory, so a finished run is reused.
        config.Experiment.OutputDir = outputDirectory;
        config.Experiment.Name = "";
        config.Experiment.Name = $"{role}-{ConfigWriter.Hash(config)[..10]}";
        return config;
    }

    /// <summary>
    /// Trains the run of <paramref name="config"/>, or reuses it when it already finished, or resumes it;
    /// <paramref name="teacherCache"/>, when given, shares the teacher's outputs with other runs of the same teacher.
    /// </summary>
    public StudyOutcome Train(string name, StudyRunRole role, RunConfig config, string model, StopSignal? stop,
        TeacherOutputCache? teacherCache = null)
    {
        var directory = RunFactory.RunDirectory(config);
        var latest = Path.Combine(directory, "checkpoints", "latest.safetensors");
        var parameters = ParameterCount(model, config);
        if (File.Exists(latest))
        {
            var state = CheckpointFile.ReadState(latest);
            if (state.Epoch >= config.Solver.Epochs && state.StepsIntoEpoch == 0)
            {
                print($"{name}: reusing the finished run {directory} (same config; best test top-1 {state.BestTop1:0.00})");
                return new StudyOutcome(name, role, directory, null, true, TimeSpan.Zero, model, parameters);
            }
        }
        var clock = Stopwatch.StartNew();
        print($"{name}: training {model}{(config.Distiller.Descriptor.NeedsTeacher ? $" from {config.Models.Teacher}" : "")} " +
              $"with {config.Distiller.Method} for {config.Solver.Epochs} epochs -> {directory}");
        using var setup = RunFactory.Create(config);
        setup.Distiller.TeacherCache = teacherCache;
        using var trainer = new Trainer(setup, line => print("  " + line));
        var result = trainer.Run(resume: File.Exists(latest), stop);
        return new StudyOutcome(name, role, directory, result, false, clock.Elapsed, model, parameters);
    }

    /// <summary>The model's size as the run builds it: classes and channels from the dataset itself.</summary>
    private static long ParameterCount(string model, RunConfig config)
    {
        var test = RunFactory.OpenSplit(config, train: false);
        using var network = ModelZoo.Create(model, new ModelOptions(test.NumClasses, test.Geometry.Channels, RunFactory.VariantFor(config.Dataset.Name)));
        return network.ParameterCount();
    }
}
