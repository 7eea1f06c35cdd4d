namespace Ers.LoadTests;

public sealed record ProcessUsage(int Pid, double AvgCpuPercentOfOneCore, double MaxRssMb, double LastRssMb, double CpuSeconds);
