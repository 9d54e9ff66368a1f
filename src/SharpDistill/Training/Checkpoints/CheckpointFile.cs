using System.Reflection;
using Module = SharpDistill.Torch.NN.Module;
using System.Text.Json;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Training.Checkpoints;

/// <summary>
/// SharpDistill's checkpoint: one safetensors file holding the student's weights ("student.*"),
/// the extra trainable modules' ("extra.NAME.*"), optionally the optimizer state ("optimizer.*",
/// its numbers in the metadata) and a <see cref="CheckpointState"/> as JSON. Written atomically
/// (temporary file, then rename), so a crash can never leave a broken "latest". The frozen teacher
/// is not stored: the config names its checkpoint.
/// </summary>
public static class CheckpointFile
{
    public const string StateKey = "sharpdistill.checkpoint";
    private const string OptimizerNameKey = "sharpdistill.optimizer";
    private const string OptimizerNumberPrefix = "optimizer#";

    public static string Version { get; } =
        typeof(CheckpointFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    /// <summary>Writes <paramref name="student"/> (keys "student.*"), the extra modules and optionally the optimizer, with <paramref name="state"/>, atomically.</summary>
    public static void Save(string path, CheckpointState state, Module student, IReadOnlyList<KeyValuePair<string, Module>> extras,
        Optimizer? optimizer)
    {
        using var scope = new TensorScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (key, value) in student.StateDict()) tensors["student." + key] = value;
        foreach (var (name, module) in extras)
            foreach (var (key, value) in module.StateDict()) tensors[$"extra.{name}.{key}"] = value;
        var metadata = new Dictionary<string, string> { [StateKey] = JsonSerializer.Serialize(state) };
        if (optimizer != null)
        {
            using var optimizerState = optimizer.StateDict();
            foreach (var (key, value) in optimizerState.Tensors) tensors["optimizer." + key] = value;
            metadata[OptimizerNameKey] = optimizerState.Optimizer;
            foreach (var (key, value) in optimizerState.Numbers)
                metadata[OptimizerNumberPrefix + key] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            // Saved inside the using: the optimizer state's tensors must live until they are written.
            Write(path, tensors, metadata);
            return;
        }
        Write(path, tensors, metadata);
    }

    private static void Write(string path, Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>Reads only the state (cheap: the header), e.g. to list or describe checkpoints.</summary>
    public static CheckpointState ReadState(string path)
    {
        var header = SafeTensors.ReadHeader(path);
        return ParseState(path, header.Metadata);
    }

    /// <summary>
    /// Loads the weights into <paramref name="student"/> and <paramref name="extras"/> (strictly: every key
    /// and shape must match) and, when given, the optimizer state. Returns the checkpoint's state.
    /// </summary>
    public static CheckpointState Load(string path, Module student, IReadOnlyList<KeyValuePair<string, Module>>? extras = null,
        Optimizer? optimizer = null)
    {
        using var file = SafeTensors.Load(path);
        var state = ParseState(path, file.Metadata);
        LoadModule(path, file, "student.", student, "the student");
        foreach (var (name, module) in extras ?? Array.Empty<KeyValuePair<string, Module>>())
            LoadModule(path, file, $"extra.{name}.", module, $"the '{name}' module");
        if (optimizer != null)
        {
            if (!file.Metadata.TryGetValue(OptimizerNameKey, out var optimizerName))
                throw new CheckpointException($"{path} holds no optimizer state (it is a '{state.Kind}' checkpoint); resume from 'latest'");
            var tensors = file.Tensors.Where(t => t.Key.StartsWith("optimizer.", StringComparison.Ordinal))
                .ToDictionary(t => t.Key["optimizer.".Length..], t => t.Value);
            var numbers = file.Metadata.Where(m => m.Key.StartsWith(OptimizerNumberPrefix, StringComparison.Ordinal))
                .ToDictionary(m => m.Key[OptimizerNumberPrefix.Length..], m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture));
            var optimizerState = new OptimizerStateDict(optimizerName, tensors, numbers);
            try
            {
                optimizer.LoadStateDict(optimizerState);
            }
            catch (Exception e) when (e is ArgumentException or TorchException or InvalidOperationException)
            {
                throw new CheckpointException($"{path}: the optimizer state does not fit this run: {e.Message}", e);
            }
        }
        return state;
    }

    private static void LoadModule(string path, SafeTensorsFile file, string prefix, Module module, string what)
    {
        var weights = file.Tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[prefix.Length..], t => t.Value);
        if (weights.Count == 0) throw new CheckpointException($"{path} holds no weights for {what} (no '{prefix}*' tensors)");
        try
        {
            module.LoadStateDict(weights);
        }
        catch (StateDictMismatchException e)
        {
            throw new CheckpointException($"{path} does not fit {what}: {e.Message}", e);
        }
    }

    private static CheckpointState ParseState(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(StateKey, out var json))
            throw new CheckpointException($"{path} is a safetensors file but not a SharpDistill checkpoint (no '{StateKey}' metadata)");
        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: unreadable checkpoint state: {e.Message}", e);
        }
        if (state == null) throw new CheckpointException($"{path}: empty checkpoint state");
        if (state.FormatVersion > CheckpointState.CurrentFormatVersion)
            throw new CheckpointException($"{path} was written by a newer SharpDistill (format {state.FormatVersion}; this build reads up to {CheckpointState.CurrentFormatVersion})");
        return state;
    }
}

/// <summary>A checkpoint that cannot be read or does not fit the model or run.</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string message, Exception? inner = null) : base(message, inner) { }
}
