/** @module A small built-in list of common English and programming words for the dictionary filter. */

export const COMMON_WORDS: ReadonlySet<string> = new Set(
  `a about access account admin administrator after again all alpha api app application apps auth
  author backend bar baz basic be bearer beta big blue bot build cache change changeit changeme check
  client cloud code config configuration connect connection cookie correct create cred creds
  credential credentials data database db debug default demo dev develop development dummy east
  enable encrypt encryption engine env environment example extra fake false foo foobar for from
  gateway get green guest hello hidden horse host i id if in info internal is it key keys letmein
  local localhost login mail main master me mock monkey my name new next no none not null of old on
  open or our pass passphrase passwd password passwords path pipeline placeholder please postgres
  private prod production project public qwerty read red redacted replace request root s3cret
  sample secret secrets secure security server service session set setting settings shared sign
  signing simple some south stage staging staple store strong super supersecret system tenant test
  tester testing text the this to token tokens top true trust undefined update user username users
  value values very web welcome west word world write wrong xyz yes you your yours api_key apikey
  battery correct horse admin123 qwerty123 sunshine dragon princess football baseball shadow
  iloveyou trustno1 mustang access123 service account value1 value2 change_me replace_me todo fixme
  hunter insert here goes put paste real actual valid invalid generated random string secretkey
  mysecret mypassword rabbitmq mysql redis mongo mongodb postgresql guest123 docker kubernetes
  webhook hook callback provider oauth jwt hmac rsa aes sha md5 base64 hex utf8 ascii none nil
  level levels deep nested child parent first second third last one two three four five six seven
  eight nine ten abc def key1 key2 pwd pw pin code codes foo1 bar1 john doe jane alice bob charlie
  admin1 login1 super duper cat dog keyboard mouse apple banana orange lemon cookie session sessions
  bench benchmark dev devel prod prd qa uat ci cd life love happy sun moon star sky money time day night good bad best hidden my your our their`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
