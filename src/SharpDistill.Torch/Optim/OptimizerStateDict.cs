using System.Globalization;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Torch.Optim;

/// <summary>
/// A snapshot of an optimizer's state, enough to resume training exactly: per-parameter buffers as
/// tensors ("state.{i}.{buffer}", i = the parameter's position across all groups, as in PyTorch) and
/// numbers: per-parameter step counts ("state.{i}.step") and each group's hyperparameters
/// ("param_groups.{g}.lr" is the current rate, "param_groups.{g}.initial_lr" the base one,
/// "param_groups.{g}.params" the group's size). The tensors are copies owned by this object (or the
/// scope it was made in).
/// </summary>
public sealed class OptimizerStateDict : IDisposable
{
    private const string OptimizerKey = "sharpdistill.optimizer";

    public OptimizerStateDict(string optimizer, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, double> numbers)
    {
        Optimizer = optimizer;
        Tensors = tensors;
        Numbers = numbers;
    }

    /// <summary>Name of the optimizer that wrote the state ("SGD", "Adam", "AdamW").</summary>
    public string Optimizer { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public IReadOnlyDictionary<string, double> Numbers { get; }

    /// <summary>Writes the state atomically as a safetensors file; the numbers go into its metadata (exact round trip).</summary>
    public void Save(string path)
    {
        var metadata = new Dictionary<string, string> { [OptimizerKey] = Optimizer };
        foreach (var (key, value) in Numbers) metadata[key] = value.ToString("R", CultureInfo.InvariantCulture);
        SafeTensors.Save(path, Tensors, metadata);
    }

    /// <summary>Reads a state written by <see cref="Save"/>.</summary>
    public static OptimizerStateDict Load(string path)
    {
        var file = SafeTensors.Load(path);
        try
        {
            if (!file.Metadata.TryGetValue(OptimizerKey, out var optimizer))
                throw new SafeTensorsFormatException(path, $"it is not an optimizer state: its metadata has no '{OptimizerKey}' entry");
            var numbers = new Dictionary<string, double>();
            foreach (var (key, text) in file.Metadata)
            {
                if (key == OptimizerKey) continue;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new SafeTensorsFormatException(path, $"optimizer state entry '{key}' is not a number: '{text}'");
                numbers[key] = value;
            }
            return new OptimizerStateDict(optimizer, file.Tensors, numbers);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
