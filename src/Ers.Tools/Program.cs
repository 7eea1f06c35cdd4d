using Ers.Tools.Commands;

return await CommandDispatcher.RunAsync(args, new CommandContext(Console.Out, Console.Error, TimeProvider.System));
