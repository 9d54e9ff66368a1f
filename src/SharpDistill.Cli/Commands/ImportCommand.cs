using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using SharpDistill.TorchImport;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `import &lt;file.pth&gt; --model NAME --out teacher.safetensors`: converts a PyTorch checkpoint
/// (e.g. a published mdistiller/RepDistiller teacher) into a safetensors state dict of a zoo model,
/// which training configs and <c>WeightsLoader</c> read without the pickle machinery. The import is
/// strict: every key and shape must fit the model, else nothing is written.
/// </summary>
public static class ImportCommand
{
    /// <summary>Keys of the provenance metadata written into the safetensors header.</summary>
    public static class MetadataKeys
    {
        public const string Source = "sharpdistill.import.source";
        public const string SourceSha256 = "sharpdistill.import.source_sha256";
        public const string StateDict = "sharpdistill.import.state_dict";
        public const string Model = "sharpdistill.model";
        public const string NumClasses = "sharpdistill.num_classes";
        public const string InChannels = "sharpdistill.in_channels";
        public const string Variant = "sharpdistill.variant";
    }

    public static Command Create()
    {
        var fileArgument = new Argument<string>("file.pth") { Description = "A checkpoint written by torch.save (zip or legacy format)" };
        var modelOption = new Option<string>("--model")
        {
            Description = "The zoo model the weights belong to (see `sharpdistill models`), e.g. resnet32x4 or imagenet/ResNet34",
            Required = true,
        };
        var keyOption = new Option<string?>("--key")
        {
            Description = "The top-level key holding the state dict (default: the top level itself, else 'state_dict', 'model_state_dict' or 'model')",
        };
        var outOption = new Option<string>("--out") { Description = "The safetensors file to write", Required = true };
        var lenientOption = new Option<bool>("--allow-unknown-globals")
        {
            Description = "Read globals outside the allow-list (argparse.Namespace, numpy scalars, ...) as inert placeholders, " +
                          "never imported or called, and name them; by default such a checkpoint is refused",
        };
        var modelOptions = new ModelOptionArguments();

        var command = new Command("import", "Convert a PyTorch checkpoint of a zoo model into a safetensors state dict (strict: every key and shape must fit)");
        command.Arguments.Add(fileArgument);
        command.Options.Add(modelOption);
        modelOptions.AddTo(command);
        command.Options.Add(keyOption);
        command.Options.Add(outOption);
        command.Options.Add(lenientOption);
        command.SetAction(parseResult => CliErrors.Run(parseResult, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var source = parseResult.GetValue(fileArgument)!;
            var target = parseResult.GetValue(outOption)!;
            var name = parseResult.GetValue(modelOption)!;
            var options = modelOptions.Resolve(parseResult);
            if (!File.Exists(source)) throw new FileNotFoundException($"checkpoint not found: {source}", source);
            if (!target.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--out must end in .safetensors (got '{target}'): the weights are written as a safetensors state dict, and WeightsLoader tells formats by extension");
            TorchRuntime.EnsureLoaded();

            using var model = ModelZoo.Create(name, options);
            var report = TorchCheckpoint.ImportInto(model, source, new ImportOptions
            {
                StateDictKey = parseResult.GetValue(keyOption), AllowUnknownGlobals = parseResult.GetValue(lenientOption),
            });
            output.WriteLine(report.ToString());

            var metadata = new Dictionary<string, string>
            {
                [MetadataKeys.Source] = Path.GetFileName(source),
                [MetadataKeys.SourceSha256] = Sha256(source),
                [MetadataKeys.StateDict] = report.StateDictLocation,
                [MetadataKeys.Model] = ModelZoo.Qualify(model.Family, model.Name),
                [MetadataKeys.NumClasses] = model.NumClasses.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.InChannels] = model.InChannels.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.Variant] = ModelOptionArguments.NameOf(model.Variant),
            };
            var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
            Directory.CreateDirectory(directory);
            model.SaveSafeTensors(target, metadata);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {target}: {model.NamedParameters().Count() + model.NamedBuffers().Count()} tensors of {metadata[MetadataKeys.Model]} ({model.NumClasses} classes, {model.InChannels} input channels, " +
                $"{metadata[MetadataKeys.Variant]} variant, {model.ParameterCount():N0} parameters)"));
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
