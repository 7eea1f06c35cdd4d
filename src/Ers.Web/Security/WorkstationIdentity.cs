using System.Net;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Ers.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Ers.Web.Security;

/// <summary>The authenticated workstation of a request.</summary>
public static class WorkstationIdentity
{
    public const string Scheme = CertificateAuthenticationDefaults.AuthenticationScheme;
    public const string WorkstationIdClaim = "ers:workstation";
    private const string IssuerClaim = "ers:workstation-issuer";
    private const string SerialClaim = "ers:workstation-serial";
    internal const string FailureCodeItem = "ers:workstation-failure";
    private const string CertificateItem = "ers:workstation-certificate";

    /// <summary>Workstation ids are short and plain so they are safe as grain keys and in audit records.</summary>
    public static bool IsValidId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    internal static void Configure(CertificateAuthenticationOptions options, X509Certificate2Collection roots,
        Func<CrlStore> crls, Func<StaleCrlPolicy> staleCrl)
    {
        // The handler builds its chain with a policy of its own that allows downloads (these options cannot turn them
        // off), so AuthenticateAsync lets through to it only certificates a workstation CA signed itself: their issuer
        // is in CustomTrustStore and nothing is missing to fetch. Revocation is our own CRL store's, below.
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        options.CustomTrustStore = roots;
        options.RevocationMode = X509RevocationMode.NoCheck;
        options.ValidateCertificateUse = true; // clientAuth EKU
        options.ValidateValidityPeriod = true;
        options.Events = new CertificateAuthenticationEvents
        {
            OnCertificateValidated = context =>
            {
                var certificate = context.ClientCertificate;
                var id = certificate.GetNameInfo(X509NameType.SimpleName, false);
                if (!IsValidId(id))
                {
                    context.Fail("The workstation certificate's CN is not a workstation id.");
                    return Task.CompletedTask;
                }

                using var chain = new X509Chain { ChainPolicy = OfflineChain.Policy(roots) };
                if (!chain.Build(certificate) || chain.ChainElements.Count < 2)
                {
                    context.Fail("The workstation certificate does not chain to a workstation CA.");
                    return Task.CompletedTask;
                }

                var issuer = CertificateIds.HashOf(chain.ChainElements[1].Certificate);
                var certificateId = new CertificateId(issuer, CertificateIds.NormaliseSerial(certificate.SerialNumberBytes.Span));
                switch (crls().Check(certificateId, staleCrl()))
                {
                    case RevocationStatus.Revoked:
                        context.Fail("The workstation certificate has been revoked.");
                        return Task.CompletedTask;
                    case RevocationStatus.Unknown:
                        context.Fail("The workstation certificate's revocation status cannot be checked now.");
                        return Task.CompletedTask;
                }

                // The issuer and serial ride along so a cached result is still checked against the current CRL.
                context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                [
                    new Claim(WorkstationIdClaim, id!), new Claim(ClaimTypes.Name, id!),
                    new Claim(IssuerClaim, certificateId.IssuerHash), new Claim(SerialClaim, certificateId.SerialNumber),
                ], Scheme));
                context.Success();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The client certificate of the request's authenticated workstation (its CA's hash and serial), if any.</summary>
    public static CertificateId? CertificateOf(HttpContext context) =>
        context.Items.TryGetValue(CertificateItem, out var certificate) && certificate is CertificateId id ? id : null;

    private static CertificateId CertificateOf(ClaimsPrincipal principal) =>
        new(principal.FindFirst(IssuerClaim)?.Value ?? "", principal.FindFirst(SerialClaim)?.Value ?? "");

    private static bool StillValid(HttpContext context, ClaimsPrincipal principal)
    {
        var services = context.RequestServices;
        var time = services.GetKeyedService<TimeProvider>(Ers.Grains.ErsTime.Key) ?? TimeProvider.System;
        if (context.Connection.ClientCertificate is not { } certificate || certificate.NotAfter.ToUniversalTime() <= time.GetUtcNow().UtcDateTime)
        {
            return false;
        }

        var id = CertificateOf(principal);
        var status = services.GetRequiredService<WorkstationCrls>().Store.Check(id, services.GetRequiredService<WorkstationOptions>().StaleCrl);
        return status == RevocationStatus.Good;
    }

    /// <summary>
    /// The proxy-forwarded certificate header, parsed: URL-encoded PEM (nginx) or base64 DER. Null when garbled.
    /// </summary>
    public static X509Certificate2? ParseForwardedCertificate(string header)
    {
        try
        {
            var text = header.Contains('%', StringComparison.Ordinal) ? WebUtility.UrlDecode(header) : header;
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(text);
            }

            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Authenticates the request's workstation: its id, or the refusal code and HTTP status. The handler's result is
    /// cached per certificate (<c>AddCertificateCache</c>: two chain builds saved on every agent request), so
    /// revocation and expiry are checked here again on every request; both are a lookup.
    /// </summary>
    public static async Task<(string? WorkstationId, string? Code, int Status)> AuthenticateAsync(HttpContext context)
    {
        // Before the handler and its chain build: a certificate no workstation CA signed is refused by a name compare
        // and a signature check, so nothing it names (AIA caIssuers, CRL distribution points) is ever fetched.
        if (context.Connection.ClientCertificate is { } presented
            && !OfflineChain.IsIssuedByOneOf(presented, context.RequestServices.GetRequiredService<WorkstationAuthorities>().Roots))
        {
            Refused(context, "The workstation certificate was not issued by a workstation CA.");
            return (null, ApiErrorCodes.ClientCertificateInvalid, StatusCodes.Status403Forbidden);
        }

        var result = await context.AuthenticateAsync(Scheme);
        if (result.Succeeded && result.Principal is { } principal && principal.FindFirst(WorkstationIdClaim)?.Value is { } id)
        {
            if (StillValid(context, principal))
            {
                context.Items[CertificateItem] = CertificateOf(principal);
                return (id, null, StatusCodes.Status200OK);
            }

            return (null, ApiErrorCodes.ClientCertificateInvalid, StatusCodes.Status403Forbidden);
        }

        if (result.Failure is { } failure)
        {
            Refused(context, failure.Message);
        }

        return result.None && context.Connection.ClientCertificate is null
            ? (null, ApiErrorCodes.ClientCertificateMissing, StatusCodes.Status401Unauthorized)
            : (null, ApiErrorCodes.ClientCertificateInvalid, StatusCodes.Status403Forbidden);
    }

    private static void Refused(HttpContext context, string reason) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WorkstationIdentity))
            .WorkstationCertificateRefused(context.Connection.RemoteIpAddress, reason);
}
