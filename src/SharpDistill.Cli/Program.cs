using System.CommandLine;
using SharpDistill.Cli.Commands;

// The `sharpdistill` command: one file per verb under Commands/.
var root = new RootCommand("SharpDistill: knowledge distillation for .NET on libtorch (CRLD, DCD, CMKD, KD, DKD, DIST)");
root.Subcommands.Add(TrainCommand.CreateTrain());
root.Subcommands.Add(TrainCommand.CreateDistill());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
return root.Parse(args).Invoke();
