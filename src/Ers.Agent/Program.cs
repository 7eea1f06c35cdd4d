using Ers.Agent.Hosting;

// The desktop identity agent: watches smartcard readers and logs the cardholder in to Ers. See README.md.
return await AgentHost.RunAsync(args);
