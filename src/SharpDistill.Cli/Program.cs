using SharpDistill.Cli;

// The `sharpdistill` command: the verbs are registered in CliApp.CreateRoot (one file per verb under Commands/).
return CliApp.Invoke(args);
