using System.CommandLine;
using System.Globalization;
using SharpDistill.Cli.Output;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `models`: lists the model zoo (every name a config's models.student / models.teacher or
/// `import --model` accepts) with parameter counts under the given options.
/// </summary>
public static class ModelsCommand
{
    private static readonly IReadOnlyDictionary<string, ModelFamily> Families = new Dictionary<string, ModelFamily>
    {
        ["cifar"] = ModelFamily.Cifar,
        ["imagenet"] = ModelFamily.ImageNet,
    };

    public static Command Create()
    {
        var familyOption = new Option<string?>("--family") { Description = "List only the CIFAR zoo (also used for Tiny-ImageNet and Fashion-MNIST) or the ImageNet zoo" };
        familyOption.AcceptOnlyFromAmong(Families.Keys.ToArray());
        var modelOptions = new ModelOptionArguments();

        var command = new Command("models", "List the model zoo: name, family, parameter count, classes, input size and description");
        command.Options.Add(familyOption);
        modelOptions.AddTo(command);
        command.SetAction(parseResult => CliErrors.Run(parseResult, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var options = modelOptions.Resolve(parseResult);
            ModelFamily? family = parseResult.GetValue(familyOption) is { } f ? Families[f] : null;
            if (family == ModelFamily.ImageNet && options.Variant != ModelVariant.Standard)
                throw new ArgumentException($"the {ModelOptionArguments.NameOf(options.Variant)} variant applies to CIFAR-family models only");
            TorchRuntime.EnsureLoaded();

            var summaries = ModelZoo.Summaries(options, family);
            var table = new TextTable(new TextColumn("name"), new TextColumn("family"), new TextColumn("parameters", RightAligned: true),
                new TextColumn("classes", RightAligned: true), new TextColumn("input"), new TextColumn("description"));
            var inv = CultureInfo.InvariantCulture;
            foreach (var s in summaries)
                table.AddRow(s.QualifiedName, FamilyName(s.Family), s.Parameters.ToString("N0", inv), s.NumClasses.ToString(inv),
                    $"{options.InChannels}x{s.InputSize}x{s.InputSize}", s.Description);

            output.WriteLine($"{summaries.Count} models ({Describe(options)}); ImageNet models are named imagenet/<name>");
            table.Write(output);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string FamilyName(ModelFamily family) => Families.First(f => f.Value == family).Key;

    private static string Describe(ModelOptions options)
    {
        var classes = options.NumClasses is { } n ? $"{n} classes" : "each benchmark's own number of classes";
        var variant = options.Variant == ModelVariant.TinyImageNet
            ? "tiny_imagenet variant: global pooling, shown at 64x64, CIFAR zoo only"
            : "standard variant";
        return $"{classes}, {options.InChannels} input channel{(options.InChannels == 1 ? "" : "s")}, {variant}";
    }
}
