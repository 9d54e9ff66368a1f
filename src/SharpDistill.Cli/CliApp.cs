using System.CommandLine;
using SharpDistill.Cli.Commands;
using SharpDistill.Distillers;

namespace SharpDistill.Cli;

/// <summary>
/// The `sharpdistill` command tree, built in one place so that Program.cs and the tests parse and
/// invoke exactly the same verbs (the tests pass their own output and error writers through
/// System.CommandLine's <see cref="InvocationConfiguration"/>).
/// </summary>
public static class CliApp
{
    /// <summary>The program's name in help and usage lines, whatever the executable or test host is called.</summary>
    public const string ProgramName = "sharpdistill";

    public static string Description =>
        $"SharpDistill: knowledge distillation for .NET on libtorch ({string.Join(", ", MethodRegistry.Distillation.Select(m => m.DisplayName))})";

    /// <summary>A new root command with every verb (one file per verb under Commands/).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand(Description) { HelpName = ProgramName };
        root.Subcommands.Add(TrainCommand.CreateTrain());
        root.Subcommands.Add(TrainCommand.CreateDistill());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ConformanceCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(LaunchCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(TransferCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A usage error (unknown verb or option, missing
    /// argument) is reported by System.CommandLine and exits with <see cref="CliErrors.BadInput"/>
    /// rather than its default 1, which SharpDistill reserves for a failed check (e.g. conformance).
    /// An unknown verb is such an error even next to --help (which would otherwise print the root help and succeed).
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration? configuration = null)
    {
        var root = CreateRoot();
        var parseResult = root.Parse(args);
        if (parseResult.CommandResult.Command == root && parseResult.UnmatchedTokens.Count > 0)
        {
            var error = configuration?.Error ?? Console.Error;
            error.WriteLine($"error: unknown verb '{parseResult.UnmatchedTokens[0]}'; verbs: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
            error.WriteLine($"hint: `{ProgramName} --help` describes each verb");
            return CliErrors.BadInput;
        }
        var code = parseResult.Invoke(configuration);
        return parseResult.Errors.Count > 0 ? CliErrors.BadInput : code;
    }
}
