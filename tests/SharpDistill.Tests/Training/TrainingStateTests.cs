using System.Text.Json;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Tests.Training;

/// <summary>The training state is one value: advanced by epochs and stops, saved into a checkpoint and restored from it whole.</summary>
public class TrainingStateTests
{
    private static readonly CheckpointState Description = new()
    {
        Kind = "", Epoch = 0, BestTop1 = 0, BestEpoch = 0, Seed = 7, Method = "kd", Student = "resnet8", NumClasses = 10,
        InChannels = 1, Variant = "Cifar", ConfigYaml = "solver: {epochs: 3}\n", LibTorchVersion = "1.13", SharpDistillVersion = "test",
    };

    [Fact]
    public void EpochsAdvanceTheStateAndKeepTheBest()
    {
        var (state, isNew) = TrainingState.Start(7).AfterEpoch(1, 60.0);
        Assert.True(isNew);
        (state, isNew) = state.AfterEpoch(2, 55.0);
        Assert.False(isNew);
        Assert.Equal(new TrainingState { Epoch = 2, Best = new BestEpoch(60.0, 1), LastTop1 = 55.0, Seed = 7 }, state);
        Assert.Equal(3, state.NextEpoch);
    }

    [Fact]
    public void AStopWithinAnEpochIsUndoneByTheEpochsEnd()
    {
        var partial = new EpochAccumulatorState { Samples = 64, Top1 = 30, LossSum = 12.5 };
        var stopped = TrainingState.Start(7).AfterEpoch(1, 60.0).State.StoppedWithin(3, partial);
        Assert.Equal((1, 3, 2), (stopped.Epoch, stopped.StepsIntoEpoch, stopped.NextEpoch));
        Assert.Same(partial, stopped.PartialEpoch);
        var finished = stopped.AfterEpoch(2, 61.0).State;
        Assert.Equal((2, 0), (finished.Epoch, finished.StepsIntoEpoch));
        Assert.Null(finished.PartialEpoch);
    }

    [Fact]
    public void ACheckpointRestoresTheStateItWasSavedWith()
    {
        var partial = new EpochAccumulatorState { Samples = 64, Top1 = 30, Top5 = 60, LossSum = 12.5, TermSums = new() { ["loss_kd"] = 3.25 }, Seconds = 1.5 };
        var state = TrainingState.Start(7).AfterEpoch(1, 60.0).State.AfterEpoch(2, 60.0).State.StoppedWithin(5, partial);

        var json = JsonSerializer.Serialize(Description.With("latest", state));
        var restored = JsonSerializer.Deserialize<CheckpointState>(json)!;

        Assert.Equal("latest", restored.Kind);
        Assert.Equal(state with { PartialEpoch = null }, restored.Training with { PartialEpoch = null });
        Assert.Equal(new BestEpoch(60.0, 2), restored.Training.Best);
        var restoredPartial = restored.Training.PartialEpoch!;
        Assert.Equal((64L, 30L, 60L, 12.5, 1.5), (restoredPartial.Samples, restoredPartial.Top1, restoredPartial.Top5, restoredPartial.LossSum, restoredPartial.Seconds));
        Assert.Equal(3.25, restoredPartial.TermSums["loss_kd"]);
        Assert.Equal("resnet8", restored.Student); // the run's description survives beside the state
    }

    [Fact]
    public void ACheckpointOfFormatOneStillResumes()
    {
        // The state's fields stay flat in the file, so checkpoints written before the typed state read unchanged.
        const string formatOne = """
            {"FormatVersion":1,"Kind":"latest","Epoch":4,"StepsIntoEpoch":2,"PartialEpoch":null,"BestTop1":71.5,"BestEpoch":3,
             "LastTop1":70.25,"Seed":11,"Method":"dist","Student":"resnet8","NumClasses":10,"InChannels":1,"Variant":"Cifar",
             "Teacher":"resnet32x4","ConfigYaml":"x: 1\n","LibTorchVersion":"1.13","SharpDistillVersion":"0.1","SavedAt":"2026-12-01T00:00:00+00:00"}
            """;
        var restored = JsonSerializer.Deserialize<CheckpointState>(formatOne)!.Training;
        Assert.Equal(new TrainingState { Epoch = 4, StepsIntoEpoch = 2, Best = new BestEpoch(71.5, 3), LastTop1 = 70.25, Seed = 11 }, restored);
    }
}
