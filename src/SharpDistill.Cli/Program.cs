using System.CommandLine;
using SharpDistill.Cli.Commands;

// The `sharpdistill` command: one file per verb under Commands/.
var root = new RootCommand("SharpDistill: knowledge distillation for .NET on libtorch (CRLD, DCD, CMKD, KD, DKD, DIST)");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return root.Parse(args).Invoke();
