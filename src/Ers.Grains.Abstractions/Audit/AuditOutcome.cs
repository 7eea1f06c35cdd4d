namespace Ers.Audit;

public enum AuditOutcome
{
    Success = 0,
    Failure = 1,
}
