using System.CommandLine;
using SharpDistill.Export;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Commands;

/// <summary>`export`: a checkpoint's student as an ONNX file for ONNX Runtime (docs/deploy.md).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A SharpDistill checkpoint (.safetensors written by train/distill)" };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model", Required = true };
        var withFeatures = new Option<bool>("--with-features") { Description = "Add a second output, \"features\": the pooled penultimate vector" };
        var command = new Command("export", "Export a checkpoint's network to ONNX (opset 13, dynamic batch, serving metadata)");
        command.Arguments.Add(checkpoint);
        command.Options.Add(onnx);
        command.Options.Add(withFeatures);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            TorchRuntime.EnsureLoaded();
            var target = result.GetValue(onnx)!;
            using var servable = ServableCheckpoint.Open(result.GetValue(checkpoint)!);
            servable.ExportOnnx(target, result.GetValue(withFeatures));
            var spec = servable.Spec;
            result.InvocationConfiguration.Output.WriteLine(
                $"wrote {target}: {spec.Model}, input [batch, {spec.Channels}, {spec.InputSize}, {spec.InputSize}], {spec.NumClasses} classes" +
                (result.GetValue(withFeatures) ? ", with features" : ""));
            return CliErrors.Ok;
        }));
        return command;
    }
}
