using SharpDistill.Config;
using SharpDistill.Torch;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Optim.Schedules;

namespace SharpDistill.Training;

/// <summary>The optimizer and LR schedule a run's solver config describes.</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// One parameter group with the same options for every trainable parameter: the published CIFAR
    /// recipes apply coupled weight decay to all of them, BN and biases included (docs/training.md).
    /// </summary>
    public static Optimizer Create(SolverConfig solver, IEnumerable<Tensor> parameters)
    {
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("there is nothing to train: the distiller has no trainable parameters");
        if (!(solver.Lr > 0)) throw new ConfigException($"solver.lr must be positive, got {solver.Lr}");
        return solver.Optimizer switch
        {
            OptimizerName.Sgd => new Sgd(list, new SgdOptions
            {
                LearningRate = solver.Lr, Momentum = solver.Momentum, WeightDecay = solver.WeightDecay, Nesterov = solver.Nesterov,
            }),
            OptimizerName.Adam => new Adam(list, new AdamOptions { LearningRate = solver.Lr, WeightDecay = solver.WeightDecay }),
            OptimizerName.Adamw => new AdamW(list, new AdamOptions { LearningRate = solver.Lr, WeightDecay = solver.WeightDecay }),
            _ => throw new ConfigException($"unknown solver.optimizer {solver.Optimizer}"),
        };
    }

    /// <summary>Step decay at the 1-based lr_decay_stages (or cosine), with an optional linear warm-up in front.</summary>
    public static LearningRateSchedule Schedule(SolverConfig solver)
    {
        LearningRateSchedule schedule = solver.Schedule switch
        {
            ScheduleName.Step => new MultiStepSchedule(solver.LrDecayStages, solver.LrDecayRate),
            ScheduleName.Cosine => new CosineAnnealingSchedule(solver.Epochs),
            _ => throw new ConfigException($"unknown solver.schedule {solver.Schedule}"),
        };
        return solver.WarmupEpochs > 0 ? new LinearWarmup(schedule, solver.WarmupEpochs, 1.0 / (solver.WarmupEpochs + 1)) : schedule;
    }
}
